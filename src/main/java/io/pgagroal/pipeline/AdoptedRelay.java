package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.CommandComplete;
import io.pgagroal.protocol.MessageFramer;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.ParameterStatus;
import io.pgagroal.protocol.Protocol;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The relay of a session pipeline client whose connection adopted its startup parameters: a base
 * connection given them with set_config, whose own reset values are the server's defaults. Its
 * resets are replaced as in the transaction pipeline ({@link StartupResets}), so both streams are
 * framed for them: the client's Query, Parse, Bind, Execute, Sync and FunctionCall are cut (in
 * place, as slices, unless one spans reads), everything else passes in runs; from the server only a
 * CommandComplete to rename is cut. DISCARD ALL, which must also end the session's temporary
 * tables, locks and listeners, runs as it is, and a Query giving the startup values back follows
 * it; the answer to that Query is dropped but for its ParameterStatus messages, and those of the
 * DISCARD ALL wait for it, so the client hears of each parameter once, with its final value (a
 * parameter DISCARD ALL reset to its startup value is reported although unchanged, which is
 * harmless). A session whose connection had its startup parameters from the start (the usual
 * case) never comes here.
 */
final class AdoptedRelay {

    private final StartupResets startup;
    private final ResetTags tags = new ResetTags();
    private final MessageFramer clientFramer = new MessageFramer();
    private final MessageFramer serverFramer = new MessageFramer();
    private Relay relay;
    /** The batches of the DISCARD ALLs whose startup values are being given back (the next batch of each does it), oldest first. */
    private final ArrayDeque<Integer> discardBatches = new ArrayDeque<>(1);
    /** What the server is answering, told at a message's type byte for its head. */
    private Answer answer = Answer.PLAIN;
    /** The ParameterStatus values reported since the DISCARD ALL, last one wins, and its ReadyForQuery: held until the values are back. */
    private final Map<String, String> reported = new LinkedHashMap<>();
    private ByteBuf discardReady;
    /** Batches the relay sent on its own since last asked (see {@link #client}). */
    private int injected;

    private enum Answer { PLAIN, RENAME, DISCARD, RESTORE }

    AdoptedRelay(StartupResets startup) {
        this.startup = startup;
    }

    /** @return how many batches (each ending with a ReadyForQuery) the relay added to the chunk on its own */
    int client(Relay relay, ByteBuf chunk) {
        this.relay = relay;
        injected = 0;
        clientFramer.feed(chunk, clientSide);
        return injected;
    }

    void server(Relay relay, ByteBuf chunk) {
        this.relay = relay;
        serverFramer.feed(chunk, serverSide);
    }

    boolean atMessageBoundary() {
        return clientFramer.atMessageBoundary() && serverFramer.atMessageBoundary();
    }

    /** The session ended: a head gathered across reads is released. */
    void discard() {
        clientFramer.discard();
        serverFramer.discard();
        if (discardReady != null) {
            discardReady.release();
            discardReady = null;
        }
    }

    private final MessageFramer.Handler clientSide = new MessageFramer.Handler() {

        @Override
        public boolean cut(byte type) {
            return switch (type) {
                case Protocol.QUERY, Protocol.PARSE, Protocol.BIND, Protocol.EXECUTE, Protocol.SYNC, Protocol.FUNCTION_CALL -> true;
                default -> false;
            };
        }

        @Override
        public int headLength(byte type, int length) {
            return (int) Math.min(length + 1L, TransactionPipeline.HEAD_LIMIT);
        }

        @Override
        public void run(ByteBuf bytes) {
            relay.writeToServer(bytes);
        }

        @Override
        public void head(ByteBuf head, int length) {
            switch (head.getByte(head.readerIndex())) {
                case Protocol.QUERY -> {
                    Classification statements = StatementText.classify(head, length);
                    head = startup.rewrite(head, length, statements, false, tags);
                    relay.writeToServer(head);
                    if (discardsAll(statements)) {
                        discardBatches.add(tags.batchesSent());
                        tags.endOfBatch();
                        relay.writeToServer(Messages.query(head.alloc(), startup.restore()));
                        injected++;
                    }
                    tags.endOfBatch();
                    return;
                }
                case Protocol.PARSE -> head = startup.rewrite(head, length, StatementText.classify(head, length), false, tags);
                case Protocol.BIND -> {
                    if (tags.watchesBinds()) {
                        ByteBuf body = Messages.body(head);
                        String portal = Messages.readCString(body);
                        tags.bind(portal, Messages.readCString(body));
                    }
                }
                case Protocol.EXECUTE -> {
                    if (tags.watchesExecutes()) {
                        tags.execute(Messages.readCString(Messages.body(head)));
                    } else {
                        tags.execute();
                    }
                }
                default -> tags.endOfBatch();
            }
            relay.writeToServer(head);
        }

        @Override
        public void rest(ByteBuf bytes, boolean last) {
            relay.writeToServer(bytes);
        }
    };

    private final MessageFramer.Handler serverSide = new MessageFramer.Handler() {

        @Override
        public boolean cut(byte type) {
            int batch = tags.batchesAnswered();
            Integer discard = discardBatches.peek();
            answer = discard == null || batch < discard ? Answer.PLAIN : batch == discard ? Answer.DISCARD : Answer.RESTORE;
            if (type == Protocol.READY_FOR_QUERY) {
                tags.readyForQuery(false);
                return answer != Answer.PLAIN;
            }
            if (tags.renames(type)) {
                answer = Answer.RENAME;
                return true;
            }
            return answer == Answer.RESTORE || answer == Answer.DISCARD && type == Protocol.PARAMETER_STATUS;
        }

        @Override
        public int headLength(byte type, int length) {
            return length + 1;
        }

        @Override
        public void run(ByteBuf bytes) {
            relay.writeToClient(bytes);
        }

        @Override
        public void head(ByteBuf head, int length) {
            byte type = head.getByte(head.readerIndex());
            if (answer == Answer.RENAME) {
                relay.writeToClient(new CommandComplete(tags.tag()).encode(head.alloc()));
            } else if (type == Protocol.PARAMETER_STATUS) {
                ParameterStatus parameter = ParameterStatus.decode(Messages.body(head));
                reported.put(parameter.name(), parameter.value());
            } else if (type == Protocol.READY_FOR_QUERY && answer == Answer.DISCARD) {
                discardReady = head;
                return;
            } else if (type == Protocol.READY_FOR_QUERY) {
                restored(head);
            }
            head.release();
        }

        @Override
        public void rest(ByteBuf bytes, boolean last) {
            if (answer == Answer.PLAIN) {
                relay.writeToClient(bytes);
            } else {
                bytes.release();
            }
        }
    };

    /** The startup values are back: the client hears each parameter reported since the DISCARD ALL once, then its ReadyForQuery. */
    private void restored(ByteBuf head) {
        reported.forEach((name, value) -> relay.writeToClient(new ParameterStatus(name, value).encode(head.alloc())));
        reported.clear();
        relay.writeToClient(discardReady);
        discardReady = null;
        discardBatches.poll();
    }

    /** A Query that is one DISCARD ALL (PostgreSQL refuses it among other statements). */
    private static boolean discardsAll(Classification statements) {
        return statements.resets().size() == 1 && statements.resets().get(0).kind() == ResetStatement.Kind.DISCARD_ALL
                && statements.resets().get(0).alone();
    }
}
