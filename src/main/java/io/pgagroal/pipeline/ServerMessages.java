package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgagroal.protocol.CommandComplete;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.MessageFramer;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ParameterStatus;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.ReadyForQuery;

/**
 * PostgreSQL's stream to one client in the transaction pipeline, framed as it is read: results pass
 * in runs, and the pooler cuts out only what it acts on. The acknowledgements of the Parse and
 * Close messages it sent on its own are dropped; ParameterStatus values are remembered for the
 * client and the connection; a FATAL ends the session once it reached the client; and the
 * ReadyForQuery that leaves the client idle with nothing owed gives the connection back.
 */
final class ServerMessages implements MessageFramer.Handler {

    private final TransactionPipeline pipeline;
    private final TransactionState state;
    /** The ErrorResponse being read ends the session. */
    private boolean fatal;
    /** The rest of the message being read is dropped. */
    private boolean dropRest;

    ServerMessages(TransactionPipeline pipeline, TransactionState state) {
        this.pipeline = pipeline;
        this.state = state;
    }

    @Override
    public boolean cut(byte type) {
        return switch (type) {
            case Protocol.PARSE_COMPLETE, Protocol.CLOSE_COMPLETE, Protocol.PARAMETER_STATUS, Protocol.ERROR_RESPONSE,
                 Protocol.READY_FOR_QUERY -> true;
            case Protocol.PARAMETER_DESCRIPTION -> {
                TransactionState.Pending describe = state.pending.peek();
                yield describe != null && describe.kind() == TransactionState.Pending.DESCRIBE && describe.injected();
            }
            case Protocol.ROW_DESCRIPTION, Protocol.NO_DATA -> describes();
            default -> state.resetTags.renames(type);
        };
    }

    @Override
    public int headLength(byte type, int length) {
        return (int) Math.min(length + 1L, TransactionPipeline.HEAD_LIMIT);
    }

    @Override
    public void run(ByteBuf bytes) {
        state.relay.writeToClient(bytes);
    }

    @Override
    public void head(ByteBuf head, int length) {
        boolean whole = head.readableBytes() == length + 1;
        switch (head.getByte(0)) {
            case Protocol.PARSE_COMPLETE, Protocol.CLOSE_COMPLETE -> {
                TransactionState.Pending acknowledged = state.pending.poll();
                if (acknowledged != null && acknowledged.injected()) {
                    head.release();
                    return;
                }
            }
            case Protocol.PARAMETER_STATUS -> {
                if (whole) {
                    ParameterStatus parameter = ParameterStatus.decode(Messages.body(head));
                    state.desire(parameter.name(), parameter.value());
                    state.relay.serverState().apply(parameter.name(), parameter.value());
                }
            }
            case Protocol.PARAMETER_DESCRIPTION -> {
                drop(head, whole);
                return;
            }
            case Protocol.COMMAND_COMPLETE -> {
                ByteBuf renamed = new CommandComplete(state.resetTags.tag()).encode(head.alloc());
                drop(head, whole);
                state.relay.writeToClient(renamed);
                return;
            }
            case Protocol.ROW_DESCRIPTION, Protocol.NO_DATA -> {
                if (description(head, whole)) {
                    return;
                }
            }
            case Protocol.ERROR_RESPONSE -> {
                ErrorResponse inPlace = state.errorInPlace;
                state.errorInPlace = null;
                if (inPlace != null && whole && TransactionPipeline.answersFailingExecute(Messages.body(head))) {
                    drop(head, whole);
                    state.relay.writeToClient(inPlace.encode(UnpooledByteBufAllocator.DEFAULT));
                    return;
                }
                if (state.describing) {
                    pipeline.described(state, null, null);
                }
                fatal = ErrorResponse.endsSession(Messages.body(head));
                if (fatal && whole) {
                    fatal = false;
                    state.relay.writeToClient(head);
                    state.relay.serverFatal();
                    return;
                }
            }
            case Protocol.READY_FOR_QUERY -> {
                pipeline.readyForQuery(state, ReadyForQuery.decode(Messages.body(head)));
                state.relay.writeToClient(head);
                if (state.betweenTransactions()) {
                    boolean deallocate = pipeline.deallocatesAfter(state);
                    state.usedNamedParse = false;
                    state.relay.serverState().stream().release();
                    state.relay.transactionEnded(deallocate);
                }
                return;
            }
            default -> {
            }
        }
        state.relay.writeToClient(head);
    }

    /**
     * Whether the RowDescription or NoData starting now answers a Describe the pooler acts on. One
     * that answers a Describe of an untracked statement or portal, or of a statement whose shape
     * the client and the connection are both known to have, is settled here and passes.
     */
    private boolean describes() {
        TransactionState.Pending describe = state.pending.peek();
        if (describe == null || describe.kind() != TransactionState.Pending.DESCRIBE) {
            return false;
        }
        if (describe.statement() == null || !describe.injected() && TransactionPipeline.shapeKnown(state, describe.statement())) {
            state.pending.poll();
            return false;
        }
        return true;
    }

    /**
     * The answer to a Describe: kept as the client's description of its statement, or, for the
     * pooler's own Describe, compared with it and dropped.
     *
     * @return true when the message was dropped
     */
    private boolean description(ByteBuf head, boolean whole) {
        TransactionState.Pending describe = state.pending.peek();
        if (describe == null || describe.kind() != TransactionState.Pending.DESCRIBE) {
            return false;
        }
        state.pending.poll();
        if (describe.injected()) {
            drop(head, whole);
            pipeline.described(state, describe.statement(), whole ? ByteBufUtil.getBytes(Messages.body(head)) : null);
        } else if (!whole) {
            state.statements.forgetDescription(describe.statement());
        } else {
            state.statements.described(describe.statement(), ByteBufUtil.getBytes(Messages.body(head)));
            TransactionPipeline.connectionDescribed(state, describe.statement(), head);
        }
        return describe.injected();
    }

    private void drop(ByteBuf head, boolean whole) {
        head.release();
        dropRest = !whole;
    }

    @Override
    public void rest(ByteBuf bytes, boolean last) {
        if (dropRest) {
            bytes.release();
            dropRest = !last;
            return;
        }
        state.relay.writeToClient(bytes);
        if (last && fatal) {
            fatal = false;
            state.relay.serverFatal();
        }
    }
}
