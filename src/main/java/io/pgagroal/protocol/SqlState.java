package io.pgagroal.protocol;

/** The SQLSTATE codes the pooler reports itself (PostgreSQL documentation, Appendix A). */
public final class SqlState {

    public static final String PROTOCOL_VIOLATION = "08P01";
    public static final String CONNECTION_FAILURE = "08006";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String INVALID_AUTHORIZATION_SPECIFICATION = "28000";
    public static final String INVALID_PASSWORD = "28P01";
    public static final String TOO_MANY_CONNECTIONS = "53300";
    public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
    public static final String DUPLICATE_PREPARED_STATEMENT = "42P05";
    public static final String INVALID_CURSOR_NAME = "34000";
    public static final String INTERNAL_ERROR = "XX000";
    public static final String IDLE_SESSION_TIMEOUT = "57P05";

    private SqlState() {
    }
}
