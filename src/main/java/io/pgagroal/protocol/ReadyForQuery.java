package io.pgagroal.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * ReadyForQuery ('Z'): the backend is ready for a new query cycle. Its transaction status is 'I'
 * if idle (not in a transaction block), 'T' if in a transaction block, or 'E' if in a failed
 * transaction block (queries will be rejected until the block is ended).
 */
public record ReadyForQuery(byte transactionStatus) {

    public static final ReadyForQuery IDLE = new ReadyForQuery(Protocol.TRANSACTION_IDLE);
    public static final ReadyForQuery IN_TRANSACTION = new ReadyForQuery(Protocol.TRANSACTION_IN_BLOCK);
    public static final ReadyForQuery FAILED = new ReadyForQuery(Protocol.TRANSACTION_FAILED);

    public ReadyForQuery {
        if (!known(transactionStatus)) {
            throw new IllegalArgumentException(unknown(transactionStatus));
        }
    }

    /** One of the three shared instances. */
    public static ReadyForQuery of(byte transactionStatus) {
        return switch (transactionStatus) {
            case Protocol.TRANSACTION_IDLE -> IDLE;
            case Protocol.TRANSACTION_IN_BLOCK -> IN_TRANSACTION;
            case Protocol.TRANSACTION_FAILED -> FAILED;
            default -> new ReadyForQuery(transactionStatus);
        };
    }

    /**
     * Decodes a body (after type byte and length) without allocating; the buffer's indexes are not moved.
     *
     * @throws ProtocolException when the body is not one byte with a known status
     */
    public static ReadyForQuery decode(ByteBuf body) {
        if (body.readableBytes() != 1) {
            throw new ProtocolException("ReadyForQuery", "the body has " + body.readableBytes() + " bytes instead of 1");
        }
        byte status = body.getByte(body.readerIndex());
        if (!known(status)) {
            throw new ProtocolException("ReadyForQuery", unknown(status));
        }
        return of(status);
    }

    /** Not in a transaction block. */
    public boolean idle() {
        return transactionStatus == Protocol.TRANSACTION_IDLE;
    }

    /** In a transaction block. */
    public boolean inTransaction() {
        return transactionStatus == Protocol.TRANSACTION_IN_BLOCK;
    }

    /** In a failed transaction block: queries will be rejected until the block is ended. */
    public boolean failed() {
        return transactionStatus == Protocol.TRANSACTION_FAILED;
    }

    /** The whole message: type byte, length and body. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        return Messages.framed(Messages.message(alloc, Protocol.READY_FOR_QUERY, 1).writeByte(transactionStatus));
    }

    private static boolean known(byte status) {
        return status == Protocol.TRANSACTION_IDLE || status == Protocol.TRANSACTION_IN_BLOCK || status == Protocol.TRANSACTION_FAILED;
    }

    private static String unknown(byte status) {
        return "unknown transaction status 0x" + Integer.toHexString(status & 0xff);
    }

    @Override
    public String toString() {
        return "ReadyForQuery[" + (char) transactionStatus + "]";
    }
}
