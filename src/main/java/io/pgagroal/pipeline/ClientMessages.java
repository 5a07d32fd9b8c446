package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgagroal.protocol.Bind;
import io.pgagroal.protocol.Describe;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.MessageFramer;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Parse;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.ReadyForQuery;
import io.pgagroal.protocol.SqlState;
import java.util.List;

/**
 * The client's stream in the transaction pipeline, framed as it is read: the messages the pooler
 * acts on are cut out (Parse, Bind, Describe and Close, whose statement names it rewrites; Query,
 * Sync and FunctionCall, which end a batch; Terminate), everything else passes in runs, and large
 * messages stream through (a Query's text, a Bind's values, COPY data) without being held whole.
 *
 * <p>While the client holds no connection its pieces wait, in order, and the first one asks for a
 * connection; once one is attached they go first. A named Parse followed by Sync from a client
 * between transactions (what libpq's PQprepare sends) is answered by the pooler: the statement is
 * recorded and prepared on whichever connection later binds it. Waiting for a connection instead
 * could deadlock a client program that prepares on one connection while its other connections hold
 * every server connection in open transactions (pgbench -M prepared does). A statement with an error
 * is then reported when it is first bound, not when it is prepared.
 */
final class ClientMessages implements MessageFramer.Handler {

    /** Pieces held while waiting for a connection before reading from the client stops. */
    private static final int HELD_BEFORE_BACKPRESSURE = 64;

    private final TransactionPipeline pipeline;
    private final TransactionState state;
    /** Whether the rest of the cut message being read is forwarded (false: dropped). */
    private boolean forwardRest = true;

    ClientMessages(TransactionPipeline pipeline, TransactionState state) {
        this.pipeline = pipeline;
        this.state = state;
    }

    @Override
    public boolean cut(byte type) {
        return switch (type) {
            case Protocol.PARSE, Protocol.BIND, Protocol.DESCRIBE, Protocol.CLOSE, Protocol.EXECUTE, Protocol.QUERY, Protocol.SYNC,
                 Protocol.FUNCTION_CALL, Protocol.TERMINATE -> true;
            default -> false;
        };
    }

    @Override
    public int headLength(byte type, int length) {
        return switch (type) {
            case Protocol.PARSE -> length < TransactionPipeline.MAX_TRACKED_PARSE ? length + 1 : TransactionPipeline.HEAD_LIMIT;
            case Protocol.FUNCTION_CALL -> 5;
            default -> (int) Math.min(length + 1L, TransactionPipeline.HEAD_LIMIT);
        };
    }

    @Override
    public void run(ByteBuf bytes) {
        piece(TransactionState.Held.RUN, bytes, 0);
    }

    @Override
    public void head(ByteBuf head, int length) {
        piece(TransactionState.Held.HEAD, head, length);
    }

    @Override
    public void rest(ByteBuf bytes, boolean last) {
        piece(TransactionState.Held.REST, bytes, 0);
    }

    private void piece(byte kind, ByteBuf bytes, int length) {
        if (state.discarded) {
            bytes.release();
        } else if (state.relay.attached() && state.held.isEmpty() && !state.describing) {
            process(kind, bytes, length);
        } else {
            hold(kind, bytes, length);
        }
    }

    /** What waited for a connection goes to the one just attached, unless it is given back meanwhile. */
    void drain() {
        TransactionState.Held piece;
        while (state.relay.attached() && !state.describing && (piece = state.held.poll()) != null) {
            process(piece.kind(), piece.bytes(), piece.length());
        }
    }

    private void process(byte kind, ByteBuf bytes, int length) {
        if (state.skipToSync && !(kind == TransactionState.Held.HEAD && endsSkipping(bytes.getByte(0)))) {
            bytes.release();
            return;
        }
        switch (kind) {
            case TransactionState.Held.RUN -> {
                state.batchOpen = true;
                state.relay.writeToServer(bytes);
            }
            case TransactionState.Held.REST -> {
                if (forwardRest) {
                    state.relay.writeToServer(bytes);
                } else {
                    bytes.release();
                }
            }
            default -> message(bytes, length);
        }
    }

    private void hold(byte kind, ByteBuf bytes, int length) {
        boolean idle = !state.relay.connectionRequested() && state.held.isEmpty();
        byte type = kind == TransactionState.Held.HEAD ? bytes.getByte(0) : 0;
        if (state.deferredParse != null) {
            ByteBuf parse = state.deferredParse;
            state.deferredParse = null;
            if (type == Protocol.SYNC && pipeline.parseLater(state, parse)) {
                bytes.release();
                state.relay.writeToClient(ReadyForQuery.IDLE.encode(bytes.alloc()));
                state.relay.flushClient();
                return;
            }
            state.held.add(new TransactionState.Held(TransactionState.Held.HEAD, parse, parse.readableBytes() - 1));
        } else if (idle && type == Protocol.PARSE && bytes.readableBytes() == length + 1) {
            state.deferredParse = bytes;
            return;
        } else if (idle && type == Protocol.TERMINATE) {
            bytes.release();
            state.relay.clientTerminated();
            return;
        }
        state.held.add(new TransactionState.Held(kind, bytes, length));
        if (state.held.size() >= HELD_BEFORE_BACKPRESSURE) {
            state.relay.pauseClient();
        }
        state.relay.acquire();
    }

    private void message(ByteBuf head, int length) {
        byte type = head.getByte(0);
        forwardRest = true;
        boolean betweenTransactions = state.transactionStatus == Protocol.TRANSACTION_IDLE && state.pendingReadyForQuery == 0 && !state.batchOpen;
        state.batchOpen = true;
        Classification statements = type == Protocol.QUERY || type == Protocol.PARSE ? StatementText.classify(head, length) : Classification.PLAIN;
        closeIdleConnections(statements);
        switch (type) {
            case Protocol.QUERY -> {
                String refusal = pipeline.effects(state, statements);
                if (refusal != null) {
                    head.release();
                    forwardRest = false;
                    head = TransactionPipeline.refusal(refusal);
                } else {
                    head = state.startupResets.rewrite(head, length, statements, betweenTransactions && state.pin == null, state.resetTags,
                            state.deallocatedHere);
                }
                endOfBatch(head);
            }
            case Protocol.SYNC -> {
                state.skipToSync = false;
                endOfBatch(head);
            }
            case Protocol.FUNCTION_CALL -> endOfBatch(head);
            case Protocol.TERMINATE -> {
                head.release();
                forwardRest = false;
                state.relay.clientTerminated();
            }
            case Protocol.PARSE -> parse(head, length, statements, betweenTransactions && state.pin == null && head.getByte(5) == 0);
            case Protocol.EXECUTE -> execute(head);
            case Protocol.BIND -> {
                Bind bind = Bind.decode(Messages.body(head));
                if (state.statements.contains(bind.statement())) {
                    state.portals.put(bind.portal(), bind.statement());
                } else {
                    state.portals.remove(bind.portal());
                }
                if (state.resetTags.watchesBinds()) {
                    state.resetTags.bind(bind.portal(), bind.statement());
                }
                pipeline.reference(state, head, length, 5 + ByteBufUtil.utf8Bytes(bind.portal()) + 1, bind.statement(), true);
            }
            case Protocol.DESCRIBE -> {
                if (head.getByte(5) == Describe.STATEMENT) {
                    String name = Describe.decode(Messages.body(head)).name();
                    boolean tracked = state.statements.contains(name);
                    pipeline.reference(state, head, length, 6, name, false);
                    state.pending.add(tracked ? new TransactionState.Pending(TransactionState.Pending.DESCRIBE, name, false)
                            : TransactionState.Pending.UNTRACKED_DESCRIBE);
                } else {
                    String statement = state.portals.get(Describe.decode(Messages.body(head)).name());
                    state.relay.writeToServer(head);
                    state.pending.add(statement == null ? TransactionState.Pending.UNTRACKED_DESCRIBE
                            : new TransactionState.Pending(TransactionState.Pending.DESCRIBE, statement, false));
                }
            }
            default -> pipeline.close(state, head);
        }
    }

    /** While messages are dropped after a statement changed shape, its Sync ends the dropping, and Terminate still ends the session. */
    private static boolean endsSkipping(byte type) {
        return type == Protocol.SYNC || type == Protocol.TERMINATE;
    }

    /** An Execute is counted, so that the CommandComplete of a portal standing for a replaced reset can be told. */
    private void execute(ByteBuf head) {
        if (state.resetTags.watchesExecutes()) {
            state.resetTags.execute(Messages.readCString(Messages.body(head)));
        } else {
            state.resetTags.execute();
        }
        state.relay.writeToServer(head);
    }

    private void endOfBatch(ByteBuf head) {
        state.resetTags.endOfBatch();
        state.batchOpen = false;
        state.pendingReadyForQuery++;
        state.pending.add(TransactionState.Pending.END_OF_BATCH);
        state.relay.writeToServer(head);
    }

    /** A DROP, CREATE or ALTER DATABASE: the pool's idle connections to its databases go first. */
    private void closeIdleConnections(Classification statements) {
        if (!statements.databases().isEmpty()) {
            state.relay.closeIdleConnections(statements.databases());
        }
    }

    /** @param discardAll whether a DISCARD ALL may be replaced: an unnamed statement starting a batch between transactions, unpinned */
    private void parse(ByteBuf head, int length, Classification classification, boolean discardAll) {
        ErrorResponse duplicate = head.getByte(5) == 0 ? null : pipeline.duplicate(state, Messages.readCString(Messages.body(head)));
        if (duplicate != null) {
            head.release();
            forwardRest = false;
            TransactionPipeline.failInBatch(state, duplicate);
            return;
        }
        String refusal = pipeline.effects(state, classification);
        if (refusal != null) {
            String name = Messages.readCString(Messages.body(head));
            head.release();
            forwardRest = false;
            head = new Parse(name, TransactionPipeline.refusalStatement(refusal), List.of()).encode(UnpooledByteBufAllocator.DEFAULT);
            length = head.readableBytes() - 1;
        } else {
            head = state.startupResets.rewrite(head, length, classification, discardAll, state.resetTags, state.deallocatedHere);
            length = head.readableBytes() - 1;
        }
        boolean unnamed = head.getByte(5) == 0;
        state.usedNamedParse |= !unnamed;
        if (unnamed || !pipeline.tracksStatements()) {
            state.relay.writeToServer(head);
            state.pending.add(TransactionState.Pending.UNTRACKED_PARSE);
            return;
        }
        if (head.readableBytes() < length + 1) {
            head.release();
            forwardRest = false;
            state.relay.refuse(SqlState.PROGRAM_LIMIT_EXCEEDED, "prepared statement of " + length + " bytes is over the transaction pipeline's limit of "
                    + TransactionPipeline.MAX_TRACKED_PARSE + " bytes; use an unnamed statement or the session pipeline");
            return;
        }
        pipeline.parse(state, head, classification);
    }
}
