package io.pgagroal.management;

import io.pgagroal.config.ConfigException;
import io.pgagroal.security.MasterKey;
import java.util.Base64;

/**
 * The one place where a frame's payload becomes the JSON document and back, given the frame's
 * compression and encryption codes (spec §8.1): the compact JSON text when both are 0, otherwise
 * {@code base64(encrypt(compress(json)))}, each step skipped when its code is 0. Encryption keys
 * come from the master key of the running user ({@code ~/.pgagroal/master.key}), read only when a
 * frame is encrypted, as both ends need the same one. Any failure (unknown code, bad base64, wrong
 * key, a payload that decompresses beyond the limit) is pgagroal's error 1, bad payload.
 */
final class FrameBody {

    private FrameBody() {
    }

    /** The JSON bytes a payload carries. */
    static byte[] toJson(int compression, int encryption, byte[] payload) throws ManagementException {
        if (compression == 0 && encryption == 0) {
            return payload;
        }
        try {
            Compression compressed = Compression.of(compression);
            Encryption encrypted = Encryption.of(encryption);
            byte[] bytes = Base64.getMimeDecoder().decode(payload);
            return compressed.decompress(encrypted.decrypt(bytes, key(encrypted)));
        } catch (FrameCodecException | IllegalArgumentException e) {
            throw badPayload(e);
        }
    }

    /** The payload that carries these JSON bytes. */
    static byte[] fromJson(int compression, int encryption, byte[] json) throws ManagementException {
        if (compression == 0 && encryption == 0) {
            return json;
        }
        try {
            Compression compressed = Compression.of(compression);
            Encryption encrypted = Encryption.of(encryption);
            return Base64.getEncoder().encode(encrypted.encrypt(compressed.compress(json), key(encrypted)));
        } catch (FrameCodecException e) {
            throw badPayload(e);
        }
    }

    private static MasterKey key(Encryption encryption) {
        if (encryption == Encryption.NONE) {
            return null;
        }
        try {
            return MasterKey.load();
        } catch (ConfigException e) {
            throw new FrameCodecException("encrypted management frames need the master key: " + e.getMessage(), e);
        }
    }

    private static ManagementException badPayload(RuntimeException e) {
        return new ManagementException(ManagementException.BAD_PAYLOAD, e.getMessage());
    }
}
