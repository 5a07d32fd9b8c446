package io.pgagroal.protocol;

/**
 * Constants of the PostgreSQL frontend/backend protocol version 3.0, named as in the protocol
 * documentation ("Message Formats").
 */
public final class Protocol {

    public static final int PROTOCOL_3_0 = 196608;
    public static final int CANCEL_REQUEST_CODE = 80877102;
    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;

    /** PostgreSQL's own limit on the length of a startup packet. */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10_000;

    public static final byte AUTHENTICATION = 'R';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte READY_FOR_QUERY = 'Z';

    public static final byte QUERY = 'Q';
    public static final byte PARSE = 'P';
    public static final byte BIND = 'B';
    public static final byte DESCRIBE = 'D';
    public static final byte CLOSE = 'C';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte ROW_DESCRIPTION = 'T';
    public static final byte NO_DATA = 'n';
    public static final byte FLUSH = 'H';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte SYNC = 'S';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte EXECUTE = 'E';
    public static final byte PASSWORD_MESSAGE = 'p';
    public static final byte TERMINATE = 'X';

    public static final int AUTH_OK = 0;
    public static final int AUTH_CLEARTEXT_PASSWORD = 3;
    public static final int AUTH_MD5_PASSWORD = 5;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;

    public static final byte TRANSACTION_IDLE = 'I';
    public static final byte TRANSACTION_IN_BLOCK = 'T';
    public static final byte TRANSACTION_FAILED = 'E';

    private Protocol() {
    }
}
