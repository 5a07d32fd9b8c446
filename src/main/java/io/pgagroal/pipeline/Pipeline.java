package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;

/**
 * How traffic is routed between a client and PostgreSQL: the seed's {@code struct pipeline} with its
 * seven operations (those a pipeline does not need do nothing). {@code client} and {@code server}
 * are called on the session's event loop with each chunk read from that side and own the chunk from
 * then on.
 */
public interface Pipeline {

    /** Global initialisation, once when the pooler starts. */
    default void initialize() {
    }

    /** A session starts relaying. */
    default void start(Relay relay) {
    }

    /** Bytes read from the client. */
    void client(Relay relay, ByteBuf chunk);

    /** Bytes read from PostgreSQL. */
    void server(Relay relay, ByteBuf chunk);

    /** A session stops relaying. */
    default void stop(Relay relay) {
    }

    /** Global destruction, once when the pooler stops. */
    default void destroy() {
    }

    /** Called periodically by the pooler's maintenance timer. */
    default void periodic() {
    }
}
