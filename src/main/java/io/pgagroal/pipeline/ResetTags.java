package io.pgagroal.pipeline;

import io.pgagroal.protocol.Protocol;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells which CommandCompletes answer the resets a client sent and the pooler replaced by DO blocks
 * ({@link StartupResets}), so that they get the statement's own tag back instead of DO. Results come
 * back in the order of the statements and Executes that cause them, one result (CommandComplete,
 * EmptyQueryResponse or PortalSuspended) each, until an error ends the batch at its ReadyForQuery.
 * So both streams are counted by batch (Query, Sync, FunctionCall on the client's side, ReadyForQuery
 * on the server's) and by result within a batch: a replaced statement of a Query is the statement's
 * index after the Executes the batch held before it, and an Execute of a portal bound to a replaced
 * Parse is the Execute's index. Counting is a few int increments per message; the maps and the queue
 * exist only once the client sent a reset the pooler replaced.
 */
final class ResetTags {

    /** The CommandComplete answering result {@code result} of the client's batch {@code batch} (both from 0) is renamed to {@code tag}. */
    private record Renaming(int batch, int result, String tag) {
    }

    /** The client's statements and portals standing for a replaced reset, with its tag. */
    private Map<String, String> statements;
    private Map<String, String> portals;
    private ArrayDeque<Renaming> renamings;
    private int batchesSent;
    private int executesInBatch;
    private int batchesAnswered;
    private int resultsInBatch;

    /** The batches the client sent so far: the index of the one open. */
    int batchesSent() {
        return batchesSent;
    }

    /** The batches PostgreSQL answered so far: the index of the one being answered. */
    int batchesAnswered() {
        return batchesAnswered;
    }

    /** A Query whose text had these resets replaced (none: a plain Query). */
    void query(List<ResetStatement> replaced) {
        for (ResetStatement reset : replaced) {
            rename(executesInBatch + reset.statement(), reset.tag());
        }
    }

    /** A Parse of the client's statement {@code name}: it stands for a replaced reset with this tag, or (null) for none. */
    void parse(String name, String tag) {
        statements = tagged(statements, name, tag);
    }

    /** DEALLOCATE ALL or DISCARD ALL: no statement stands for a reset any more. */
    void forgetStatements() {
        statements = null;
    }

    /** Whether a Bind must be told ({@link #bind}): some statement stands for a replaced reset. */
    boolean watchesBinds() {
        return statements != null;
    }

    void bind(String portal, String statement) {
        portals = tagged(portals, portal, statements.get(statement));
    }

    /** The map with the name tagged (a null tag: untagged); made the first time a name is. */
    private static Map<String, String> tagged(Map<String, String> names, String name, String tag) {
        if (tag != null) {
            Map<String, String> map = names == null ? new HashMap<>() : names;
            map.put(name, tag);
            return map;
        }
        if (names != null) {
            names.remove(name);
        }
        return names;
    }

    /** Whether an Execute's portal must be told ({@link #execute(String)}); else {@link #execute()} counts it. */
    boolean watchesExecutes() {
        return portals != null && !portals.isEmpty();
    }

    void execute() {
        executesInBatch++;
    }

    void execute(String portal) {
        String tag = portals.get(portal);
        if (tag != null) {
            rename(executesInBatch, tag);
        }
        executesInBatch++;
    }

    /** A Query, Sync or FunctionCall went to the server: its batch is closed. */
    void endOfBatch() {
        batchesSent++;
        executesInBatch = 0;
    }

    /**
     * A message from the server starts, in stream order (the ReadyForQuery status is told by
     * {@link #readyForQuery}): whether it is a CommandComplete to rename, whose tag {@link #tag} then gives.
     */
    boolean renames(byte type) {
        switch (type) {
            case Protocol.COMMAND_COMPLETE -> {
                int result = resultsInBatch++;
                Renaming next = renamings == null ? null : renamings.peek();
                return next != null && next.batch() == batchesAnswered && next.result() == result;
            }
            case Protocol.EMPTY_QUERY_RESPONSE, Protocol.PORTAL_SUSPENDED -> resultsInBatch++;
            default -> {
            }
        }
        return false;
    }

    /** The tag of the CommandComplete {@link #renames} just said to rename. */
    String tag() {
        return renamings.poll().tag();
    }

    /** A ReadyForQuery ended a batch; idle ends the transaction and with it every portal. */
    void readyForQuery(boolean idle) {
        batchesAnswered++;
        resultsInBatch = 0;
        if (renamings != null) {
            while (!renamings.isEmpty() && renamings.peek().batch() < batchesAnswered) {
                renamings.poll();
            }
        }
        if (idle && portals != null) {
            portals.clear();
        }
    }

    private void rename(int result, String tag) {
        if (renamings == null) {
            renamings = new ArrayDeque<>(2);
        }
        renamings.add(new Renaming(batchesSent, result, tag));
    }
}
