package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.CommandComplete;
import io.pgagroal.protocol.MessageFramer;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;

/**
 * The relay of a session pipeline client whose connection adopted its startup parameters: a base
 * connection given them with set_config, whose own reset values are the server's defaults. Its
 * resets are replaced as in the transaction pipeline ({@link StartupResets}), so both streams are
 * framed for them: the client's Query, Parse, Bind, Execute, Sync and FunctionCall are cut (in
 * place, as slices, unless one spans reads), everything else passes in runs; from the server only a
 * CommandComplete to rename is cut. DISCARD ALL is left as it is: the connection is the client's
 * own, and DISCARD ALL must end its temporary tables, locks and listeners too. A session whose
 * connection had its startup parameters from the start (the usual case) never comes here.
 */
final class AdoptedRelay {

    private final StartupResets startup;
    private final ResetTags tags = new ResetTags();
    private final MessageFramer clientFramer = new MessageFramer();
    private final MessageFramer serverFramer = new MessageFramer();
    private Relay relay;

    AdoptedRelay(StartupResets startup) {
        this.startup = startup;
    }

    void client(Relay relay, ByteBuf chunk) {
        this.relay = relay;
        clientFramer.feed(chunk, clientSide);
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
                    head = startup.rewrite(head, length, StatementText.classify(head, length), false, tags);
                    tags.endOfBatch();
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
            if (type == Protocol.READY_FOR_QUERY) {
                tags.readyForQuery(false);
                return false;
            }
            return tags.renames(type);
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
            ByteBuf renamed = new CommandComplete(tags.tag()).encode(head.alloc());
            head.release();
            relay.writeToClient(renamed);
        }

        @Override
        public void rest(ByteBuf bytes, boolean last) {
            relay.writeToClient(bytes);
        }
    };
}
