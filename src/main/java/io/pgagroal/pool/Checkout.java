package io.pgagroal.pool;

/**
 * A slot handed to a client: either a pooled connection to reuse, or a reserved empty slot (state
 * INIT) for which the client's session opens a new connection and then calls
 * {@link Pool#attach}.
 */
public record Checkout<C extends PooledConnection>(int slot, C connection) {

    public boolean isNew() {
        return connection == null;
    }
}
