package io.pgagroal.pipeline;

/**
 * Why a client of the transaction pipeline keeps its server connection until it leaves: a statement
 * left state on the connection that outlives its transaction and that the pooler cannot carry to
 * another connection. Each reason names the statement as a user would recognise it.
 */
public enum PinReason {
    TEMPORARY_OBJECT("CREATE TEMPORARY (a temporary table, view or sequence)"),
    ADVISORY_LOCK("a session advisory lock (pg_advisory_lock and its kin)"),
    LISTEN("LISTEN"),
    CURSOR_WITH_HOLD("DECLARE ... WITH HOLD"),
    PREPARE("PREPARE (a prepared statement in SQL)"),
    SET_ROLE("SET ROLE"),
    SET_SESSION_AUTHORIZATION("SET SESSION AUTHORIZATION"),
    BACKEND_PID("pg_backend_pid()"),
    LOAD("LOAD"),
    DBLINK_CONNECTION("dblink_connect (a dblink connection kept by the session)"),
    /**
     * A parameter with a dot in its name (an extension's or the application's own, myapp.tenant) set
     * for the session: PostgreSQL lists placeholders nowhere the pooler could read them back from.
     */
    CUSTOM_PARAMETER("SET or set_config of a parameter named with a dot (myapp.tenant) for the session"),
    /**
     * The session's parameters (SET, set_config) grew past what the pooler keeps per client to carry
     * them to other connections ({@code ParameterAdoption.SESSION_SETTINGS_LIMIT}).
     */
    SESSION_PARAMETERS("SET or set_config leaving session parameters of more than 64 KiB");

    private final String statement;

    PinReason(String statement) {
        this.statement = statement;
    }

    /** The statement or function, as the user wrote it. */
    public String statement() {
        return statement;
    }
}
