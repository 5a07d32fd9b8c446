package io.pgagroal.pool;

/** No connection could be had within blocking_timeout (reported as SQLSTATE 53300). */
public final class PoolFullException extends Exception {

    private static final long serialVersionUID = 1L;

    PoolFullException(String message) {
        super(message, null, false, false);
    }
}
