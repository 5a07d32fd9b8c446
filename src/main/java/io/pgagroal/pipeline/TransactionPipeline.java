package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Protocol;
import io.pgagroal.protocol.StartupReplay;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The transaction pipeline: a client holds a server connection only for the length of a
 * transaction. The session frames both streams into whole messages; this pipeline sees the client's
 * messages only while a connection is held, and gives the connection back after forwarding a
 * ReadyForQuery with status idle when no other ReadyForQuery is owed (quirk 2 fixed).
 *
 * <p>Protocol-level prepared statements follow the client: a named Parse is renamed to a pooler-wide
 * name derived from its query and parameter types (so identical statements of different clients
 * share one server statement), and is sent as Close + Parse so it succeeds whether or not the
 * connection had it. Bind and Describe of a statement the connection lacks get the client's Parse
 * sent first. The acknowledgements of what the pooler sent on its own are dropped from the server's
 * stream; they arrive in the order the messages were sent, and after an error the server skips to
 * the next Sync, so at each ReadyForQuery the unanswered ones are settled. Each connection keeps at
 * most {@code max_prepared_statements}, least recently used closed first. With the support off
 * (0), names pass through and {@code track_prepared_statements} runs DEALLOCATE ALL after a
 * transaction that prepared one, as upstream.
 */
public final class TransactionPipeline implements Pipeline {

    private static final HexFormat HEX = HexFormat.of();

    private final int maxPreparedStatements;
    private final boolean trackPreparedStatements;
    private final Map<String, String> noSettings = Map.of();

    public TransactionPipeline(int maxPreparedStatements, boolean trackPreparedStatements) {
        this.maxPreparedStatements = maxPreparedStatements;
        this.trackPreparedStatements = trackPreparedStatements;
    }


    @Override
    public RelayState newState() {
        return new TransactionState(noSettings);
    }

    /** The state of a client whose startup asked for these settings. */
    public TransactionState newState(Map<String, String> startupSettings) {
        return new TransactionState(startupSettings);
    }


    @Override
    public void client(Relay relay, ByteBuf message) {
        TransactionState state = (TransactionState) relay.state();
        byte type = message.getByte(0);
        state.sentSinceBatchEnd++;
        switch (type) {
            case Protocol.QUERY, Protocol.SYNC, Protocol.FUNCTION_CALL -> {
                state.sentSinceBatchEnd = 0;
                state.pendingReadyForQuery++;
                state.pending.add(TransactionState.Pending.END_OF_BATCH);
                relay.writeToServer(message);
            }
            case Protocol.TERMINATE -> {
                message.release();
                relay.clientTerminated();
            }
            case 'P' -> parse(relay, state, message);
            case 'B', 'D' -> statementReference(relay, state, message);
            case 'C' -> close(relay, state, message);
            default -> relay.writeToServer(message);
        }
    }

    /**
     * A named Parse from a client that holds no connection: recorded, to be prepared on whichever
     * connection the client later binds it on. The caller answers ParseComplete itself.
     *
     * @return false when the statement cannot be deferred (unnamed, or the support is off)
     */
    public boolean parseLater(TransactionState state, ByteBuf message) {
        String name = cString(message, 5);
        if (name.isEmpty() || maxPreparedStatements == 0) {
            return false;
        }
        int rest = 5 + utf8Length(name) + 1;
        String serverName = serverName(message.slice(rest, message.readableBytes() - rest));
        state.statements.put(name, new TransactionState.Statement(serverName, rename(message, rest, serverName)));
        message.release();
        return true;
    }

    private void parse(Relay relay, TransactionState state, ByteBuf message) {
        boolean unnamed = message.getByte(5) == 0;
        state.usedNamedParse |= !unnamed;
        if (unnamed || maxPreparedStatements == 0) {
            relay.writeToServer(message);
            state.pending.add(TransactionState.Pending.UNTRACKED_PARSE);
            return;
        }
        String name = cString(message, 5);
        int rest = 5 + utf8Length(name) + 1;
        String serverName = serverName(message.slice(rest, message.readableBytes() - rest));
        byte[] parse = rename(message, rest, serverName);
        message.release();
        state.statements.put(name, new TransactionState.Statement(serverName, parse));
        TransactionServerState server = relay.serverState();
        if (server.preparedStatements().contains(serverName)) {
            sendClose(relay, state, serverName, true);
            server.preparedStatements().remove(serverName);
        }
        prepare(relay, state, server, serverName, parse, false);
    }

    private void statementReference(Relay relay, TransactionState state, ByteBuf message) {
        byte type = message.getByte(0);
        int nameOffset;
        if (type == 'B') {
            nameOffset = 5 + message.bytesBefore(5, message.readableBytes() - 5, (byte) 0) + 1;
        } else if (message.getByte(5) == 'S') {
            nameOffset = 6;
        } else {
            relay.writeToServer(message);
            return;
        }
        if (message.getByte(nameOffset) == 0 || maxPreparedStatements == 0) {
            relay.writeToServer(message);
            return;
        }
        String name = cString(message, nameOffset);
        TransactionState.Statement statement = state.statements.get(name);
        if (statement == null) {
            relay.writeToServer(message);
            return;
        }
        TransactionServerState server = relay.serverState();
        if (!server.preparedStatements().contains(statement.serverName())) {
            prepare(relay, state, server, statement.serverName(), statement.parse(), true);
        }
        relay.writeToServer(replaceName(message, nameOffset, name, statement.serverName()));
    }

    private void close(Relay relay, TransactionState state, ByteBuf message) {
        boolean tracked = message.getByte(5) == 'S' && message.getByte(6) != 0 && maxPreparedStatements > 0;
        String name = tracked ? cString(message, 6) : "";
        TransactionState.Statement statement = tracked ? state.statements.remove(name) : null;
        if (statement == null) {
            relay.writeToServer(message);
            state.pending.add(TransactionState.Pending.UNTRACKED_CLOSE);
            return;
        }
        relay.writeToServer(replaceName(message, 6, name, statement.serverName()));
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.CLOSE, statement.serverName(), false));
        relay.serverState().preparedStatements().remove(statement.serverName());
    }

    /** Sends a Parse for the connection, first closing the least recently used statement if full. */
    private void prepare(Relay relay, TransactionState state, TransactionServerState server, String serverName, byte[] parse, boolean injected) {
        PreparedStatementCache cache = server.preparedStatements();
        Optional<String> evicted = cache.eviction(maxPreparedStatements);
        if (evicted.isPresent()) {
            sendClose(relay, state, evicted.get(), true);
            cache.remove(evicted.get());
        }
        relay.writeToServer(Unpooled.wrappedBuffer(parse));
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.PARSE, serverName, injected));
        cache.add(serverName);
    }

    private static void sendClose(Relay relay, TransactionState state, String serverName, boolean injected) {
        byte[] name = serverName.getBytes(StandardCharsets.UTF_8);
        ByteBuf close = Unpooled.buffer(7 + name.length)
                .writeByte('C').writeInt(6 + name.length).writeByte('S').writeBytes(name).writeByte(0);
        relay.writeToServer(close);
        state.pending.add(new TransactionState.Pending(TransactionState.Pending.CLOSE, serverName, injected));
    }

    @Override
    public void server(Relay relay, ByteBuf message) {
        TransactionState state = (TransactionState) relay.state();
        byte type = message.getByte(0);
        switch (type) {
            case '1', '3' -> {
                TransactionState.Pending acknowledged = state.pending.poll();
                if (acknowledged != null && acknowledged.injected()) {
                    message.release();
                    return;
                }
            }
            case Protocol.PARAMETER_STATUS -> {
                Map.Entry<String, String> parameter = StartupReplay.parameter(message.slice(5, message.readableBytes() - 5));
                state.desiredParameters().put(parameter.getKey(), parameter.getValue());
                relay.serverState().appliedParameters().put(parameter.getKey(), parameter.getValue());
            }
            case Protocol.ERROR_RESPONSE -> {
                if (endsSession(message)) {
                    relay.writeToClient(message);
                    relay.serverFatal();
                    return;
                }
            }
            case Protocol.READY_FOR_QUERY -> {
                readyForQuery(relay, state, message.getByte(5));
                relay.writeToClient(message);
                if (state.betweenTransactions()) {
                    boolean deallocate = maxPreparedStatements == 0 && trackPreparedStatements && state.usedNamedParse;
                    state.usedNamedParse = false;
                    relay.transactionEnded(deallocate);
                }
                return;
            }
            default -> {
            }
        }
        relay.writeToClient(message);
    }

    /** Settles the batch this ReadyForQuery ends: what was not acknowledged was skipped after an error. */
    private static void readyForQuery(Relay relay, TransactionState state, byte status) {
        if (state.pendingReadyForQuery > 0) {
            state.pendingReadyForQuery--;
        }
        state.transactionStatus = status;
        PreparedStatementCache cache = relay.serverState().preparedStatements();
        TransactionState.Pending skipped;
        while ((skipped = state.pending.poll()) != null && skipped.kind() != TransactionState.Pending.BATCH_END) {
            if (skipped.statement() == null) {
                continue;
            }
            if (skipped.kind() == TransactionState.Pending.PARSE) {
                cache.remove(skipped.statement());
            } else {
                cache.add(skipped.statement());
            }
        }
    }




    private static boolean endsSession(ByteBuf message) {
        byte[] body = new byte[Math.min(64, message.readableBytes() - 5)];
        message.getBytes(5, body);
        return ScannedState.endsSession(body, body.length);
    }

    /** The pooler-wide name: a digest of the query and the parameter types (the rest of the Parse). */
    private static String serverName(ByteBuf queryAndTypes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(queryAndTypes.nioBuffer());
            return "pgagroal_" + HEX.formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] rename(ByteBuf parse, int rest, String serverName) {
        byte[] name = serverName.getBytes(StandardCharsets.UTF_8);
        int tail = parse.readableBytes() - rest;
        byte[] renamed = new byte[5 + name.length + 1 + tail];
        renamed[0] = 'P';
        ByteBuffer.wrap(renamed).putInt(1, renamed.length - 1);
        System.arraycopy(name, 0, renamed, 5, name.length);
        parse.getBytes(rest, renamed, 5 + name.length + 1, tail);
        return renamed;
    }

    /** The message with the statement name at {@code offset} replaced (Bind, Describe, Close). */
    private static ByteBuf replaceName(ByteBuf message, int offset, String oldName, String newName) {
        byte[] name = newName.getBytes(StandardCharsets.UTF_8);
        int after = offset + utf8Length(oldName) + 1;
        int tail = message.readableBytes() - after;
        ByteBuf out = message.alloc().buffer(offset + name.length + 1 + tail);
        out.writeBytes(message, 0, offset).writeBytes(name).writeByte(0).writeBytes(message, after, tail);
        out.setInt(1, out.readableBytes() - 1);
        message.release();
        return out;
    }

    private static String cString(ByteBuf message, int offset) {
        return Messages.readCString(message.slice(offset, message.readableBytes() - offset));
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
