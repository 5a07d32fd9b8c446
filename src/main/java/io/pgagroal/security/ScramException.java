package io.pgagroal.security;

/**
 * A SCRAM exchange that cannot go on: a malformed or unsupported message, or (on the client side) a
 * server that failed to prove it knows the verifier. The message can be shown to the peer as is; it
 * never contains key material.
 */
public final class ScramException extends Exception {

    public ScramException(String message) {
        super(message);
    }
}
