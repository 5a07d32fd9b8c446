package io.pgagroal.management;

/**
 * A management payload that cannot be decoded: an unknown compression or encryption code, data that is
 * not what its code says, a payload that would decompress beyond {@link Compression#MAX_DECOMPRESSED}, or
 * a ciphertext another master key encrypted. The server answers it with pgagroal's error 1 (bad payload).
 */
public final class FrameCodecException extends RuntimeException {

    public FrameCodecException(String message) {
        super(message);
    }

    public FrameCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
