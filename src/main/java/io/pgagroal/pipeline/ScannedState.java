package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.ErrorResponse;
import io.pgagroal.protocol.MessageScanner;
import io.pgagroal.protocol.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The state the performance and session pipelines keep, learnt from the relayed stream without
 * decoding it: where each
 * side's messages start, whether the client sent Terminate, whether PostgreSQL sent FATAL or PANIC,
 * the transaction status of the last ReadyForQuery, and how many ReadyForQuery messages the client's
 * requests (Query, Sync, FunctionCall) still owe. The last two let the pooler reset a connection
 * correctly when the client leaves: wait for what is still in flight, roll back an open transaction,
 * then DISCARD ALL. It also looks at the start of each Query's and Parse's text for the databases
 * a DROP, CREATE or ALTER DATABASE names, which the relay clears of idle pooled connections before
 * it forwards the chunk that completes the start.
 */
final class ScannedState implements RelayState {

    private final MessageScanner clientScanner = new MessageScanner();
    private final MessageScanner serverScanner = new MessageScanner();
    private final ClientVisitor clientVisitor = new ClientVisitor();
    private final ServerVisitor serverVisitor = new ServerVisitor();
    private final PipelineStatistics statistics;

    private int pendingReadyForQuery;
    private boolean batchOpen;
    private byte transactionStatus = Protocol.TRANSACTION_IDLE;
    private boolean fatal;
    /** Databases named by DROP, CREATE or ALTER DATABASE in the chunk being scanned, or null. */
    private List<String> databases;
    /** Set when the connection adopted the client's startup parameters: its resets are replaced. */
    private AdoptedRelay adopted;

    /**
     * @param statistics where to count queries, transactions and bytes; null to count nothing
     */
    ScannedState(PipelineStatistics statistics) {
        this.statistics = statistics;
    }

    /** @return -1, or the index of the client's Terminate message in the chunk */
    int scanClient(ByteBuf chunk) {
        if (statistics != null) {
            statistics.bytesToServer.add(chunk.readableBytes());
        }
        return clientScanner.scan(chunk, clientVisitor);
    }

    /** @return true when the chunk held an ErrorResponse with severity FATAL or PANIC */
    boolean scanServer(ByteBuf chunk) {
        if (statistics != null) {
            statistics.bytesToClient.add(chunk.readableBytes());
        }
        serverScanner.scan(chunk, serverVisitor);
        return fatal;
    }

    /** The connection adopted the client's startup parameters (see {@link AdoptedRelay}). */
    void adopted(StartupResets startup) {
        adopted = new AdoptedRelay(startup);
    }

    /** Relays a scanned chunk of the client's to the server. */
    void toServer(Relay relay, ByteBuf chunk) {
        if (adopted == null) {
            relay.writeToServer(chunk);
        } else {
            pendingReadyForQuery += adopted.client(relay, chunk);
        }
    }

    /** Relays a scanned chunk of the server's to the client. */
    void toClient(Relay relay, ByteBuf chunk) {
        if (adopted == null) {
            relay.writeToClient(chunk);
        } else {
            adopted.server(relay, chunk);
        }
    }

    /** The session stopped relaying. */
    void stop() {
        if (adopted != null) {
            adopted.discard();
        }
    }

    /** The databases the last chunk scanned named in DROP, CREATE or ALTER DATABASE, or null; cleared. */
    List<String> takeDatabases() {
        List<String> named = databases;
        databases = null;
        return named;
    }

    @Override
    public int pendingReadyForQuery() {
        return pendingReadyForQuery;
    }

    @Override
    public byte transactionStatus() {
        return transactionStatus;
    }

    @Override
    public boolean batchOpen() {
        return batchOpen;
    }

    @Override
    public boolean atMessageBoundary() {
        return clientScanner.atMessageBoundary() && serverScanner.atMessageBoundary() && (adopted == null || adopted.atMessageBoundary());
    }

    private final class ClientVisitor implements MessageScanner.Visitor {

        @Override
        public boolean onType(byte type) {
            switch (type) {
                case Protocol.TERMINATE:
                    return false;
                case Protocol.QUERY:
                    pendingReadyForQuery++;
                    countQuery();
                    return true;
                case Protocol.SYNC:
                    batchOpen = false;
                    pendingReadyForQuery++;
                    return true;
                case Protocol.FUNCTION_CALL:
                    pendingReadyForQuery++;
                    return true;
                case Protocol.EXECUTE:
                    batchOpen = true;
                    countQuery();
                    return true;
                case Protocol.PARSE:
                case Protocol.BIND:
                case Protocol.DESCRIBE:
                case Protocol.CLOSE:
                case Protocol.FLUSH:
                    batchOpen = true;
                    return true;
                default:
                    return true;
            }
        }

        private void countQuery() {
            if (statistics != null) {
                statistics.queries.increment();
            }
        }

        @Override
        public int peekLength(byte type) {
            return 0;
        }

        @Override
        public void onMessage(byte type, int bodyLength, byte[] peek, int peekLength) {
        }

        @Override
        public int headLength(byte type) {
            return type == Protocol.QUERY || type == Protocol.PARSE ? MessageScanner.MAX_HEAD : 0;
        }

        @Override
        public void onHead(byte type, int bodyLength, ByteBuf buf, int index, int length) {
            List<String> named = StatementText.databases(type, buf, index, length);
            if (!named.isEmpty()) {
                if (databases == null) {
                    databases = new ArrayList<>(named.size());
                }
                for (String database : named) {
                    if (!databases.contains(database)) {
                        databases.add(database);
                    }
                }
            }
        }
    }

    private final class ServerVisitor implements MessageScanner.Visitor {

        @Override
        public boolean onType(byte type) {
            return true;
        }

        @Override
        public int peekLength(byte type) {
            return switch (type) {
                case Protocol.READY_FOR_QUERY -> 1;
                case Protocol.ERROR_RESPONSE -> MessageScanner.MAX_PEEK;
                default -> 0;
            };
        }

        @Override
        public void onMessage(byte type, int bodyLength, byte[] peek, int peekLength) {
            if (type == Protocol.READY_FOR_QUERY && peekLength == 1) {
                if (pendingReadyForQuery > 0) {
                    pendingReadyForQuery--;
                }
                if (statistics != null && transactionStatus == Protocol.TRANSACTION_IDLE && peek[0] != Protocol.TRANSACTION_IDLE) {
                    statistics.transactions.increment();
                }
                transactionStatus = peek[0];
            } else if (type == Protocol.ERROR_RESPONSE && ErrorResponse.endsSession(peek, peekLength)) {
                fatal = true;
            }
        }
    }
}
