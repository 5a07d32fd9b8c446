package io.pgagroal.management;

/**
 * The one place where a frame's payload becomes the JSON document and back, given the frame's
 * compression and encryption codes (spec §8.1: the compact JSON text when both are 0, otherwise
 * {@code base64(encrypt(compress(json)))}). Only codes 0 are handled yet: the codecs
 * ({@code Compression}, {@code Encryption}) are wired in here.
 */
final class FrameBody {

    private FrameBody() {
    }

    /** The JSON bytes a payload carries. */
    static byte[] toJson(int compression, int encryption, byte[] payload) throws ManagementException {
        requirePlain(compression, encryption);
        return payload;
    }

    /** The payload that carries these JSON bytes. */
    static byte[] fromJson(int compression, int encryption, byte[] json) throws ManagementException {
        requirePlain(compression, encryption);
        return json;
    }

    private static void requirePlain(int compression, int encryption) throws ManagementException {
        if (compression != 0 || encryption != 0) {
            throw new ManagementException(ManagementException.BAD_PAYLOAD, "compression " + compression + " and encryption "
                    + encryption + ": compressed or encrypted management frames are not supported yet (use none)");
        }
    }
}
