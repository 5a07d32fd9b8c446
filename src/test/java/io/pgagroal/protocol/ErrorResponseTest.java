package io.pgagroal.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {

    /** {@code SELECT * FROM missing} answered by PostgreSQL 15. */
    private static final String MISSING_RELATION = "534552524f5200564552524f5200433432503031004d72656c6174696f6e20226d697373696e672220646f6573206e6f7420657869737400"
            + "503135004670617273655f72656c6174696f6e2e63004c3133393200527061727365724f70656e5461626c650000";

    /** A check constraint violation from PostgreSQL 15: detail, schema, table and constraint too. */
    private static final String CHECK_VIOLATION = "534552524f5200564552524f5200433233353134004d6e657720726f7720666f722072656c6174696f6e202274222076696f6c6174657320"
            + "636865636b20636f6e73747261696e742022615f706f7369746976652200444661696c696e6720726f7720636f6e7461696e7320282d31292e00"
            + "7370675f74656d705f33007474006e615f706f7369746976650046657865634d61696e2e63004c32303734005245786563436f6e73747261696e74730000";

    @Test
    void decodesEveryFieldPostgreSql15Sends() {
        ErrorResponse error = Wire.decode(ErrorResponse::decode, Wire.hex(MISSING_RELATION));
        assertThat(error.fields()).containsExactly(entry('S', "ERROR"), entry('V', "ERROR"), entry('C', "42P01"),
                entry('M', "relation \"missing\" does not exist"), entry('P', "15"), entry('F', "parse_relation.c"),
                entry('L', "1392"), entry('R', "parserOpenTable"));
        assertThat(error.severity()).isEqualTo("ERROR");
        assertThat(error.code()).isEqualTo("42P01");
        assertThat(error.message()).isEqualTo("relation \"missing\" does not exist");
        assertThat(error.position()).isEqualTo("15");
        assertThat(error.file()).isEqualTo("parse_relation.c");
        assertThat(error.line()).isEqualTo("1392");
        assertThat(error.routine()).isEqualTo("parserOpenTable");
        assertThat(error.detail()).isNull();
        assertThat(error.endsSession()).isFalse();
        assertThat(error).hasToString("ERROR 42P01 relation \"missing\" does not exist");
    }

    @Test
    void decodesTheFieldsThatNameTheObject() {
        ErrorResponse error = ErrorResponse.decode(Wire.hex(CHECK_VIOLATION));
        assertThat(error.code()).isEqualTo("23514");
        assertThat(error.detail()).isEqualTo("Failing row contains (-1).");
        assertThat(error.schemaName()).isEqualTo("pg_temp_3");
        assertThat(error.tableName()).isEqualTo("t");
        assertThat(error.constraintName()).isEqualTo("a_positive");
        assertThat(error.columnName()).isNull();
    }

    @Test
    void encodesTheFieldsInTheirOrderByteForByte() {
        for (String body : new String[] {MISSING_RELATION, CHECK_VIOLATION}) {
            byte[] bytes = Wire.framed(ErrorResponse.decode(Wire.hex(body)).encode(ByteBufAllocator.DEFAULT), 'E');
            assertThat(HexFormat.of().formatHex(bytes, 5, bytes.length)).isEqualTo(body);
        }
    }

    @Test
    void everyDocumentedFieldAndUnknownOnesRoundTrip() {
        Map<Character, String> fields = new LinkedHashMap<>();
        for (char type : "SVCMDHPpqWstcdnFLR".toCharArray()) {
            fields.put(type, "value of " + type);
        }
        fields.put('Z', "a field type from a later version");
        ErrorResponse error = new ErrorResponse(fields);
        ErrorResponse decoded = ErrorResponse.decode(Wire.body(error.encode(ByteBufAllocator.DEFAULT), 'E'));
        assertThat(decoded).isEqualTo(error);
        assertThat(decoded.fields().keySet()).containsExactlyElementsOf(fields.keySet());
        assertThat(decoded.localizedSeverity()).isEqualTo("value of S");
        assertThat(decoded.severity()).isEqualTo("value of V");
        assertThat(decoded.hint()).isEqualTo("value of H");
        assertThat(decoded.internalPosition()).isEqualTo("value of p");
        assertThat(decoded.internalQuery()).isEqualTo("value of q");
        assertThat(decoded.where()).isEqualTo("value of W");
        assertThat(decoded.columnName()).isEqualTo("value of c");
        assertThat(decoded.dataTypeName()).isEqualTo("value of d");
    }

    @Test
    void severityPrefersTheNonLocalizedField() {
        ErrorResponse german = ErrorResponse.decode(Wire.hex("53 50414e494b 00 56 50414e4943 00 43 5858303030 00 00"));
        assertThat(german.severity()).isEqualTo("PANIC");
        assertThat(german.localizedSeverity()).isEqualTo("PANIK");
        assertThat(german.endsSession()).isTrue();
        assertThat(ErrorResponse.decode(Wire.hex("53 464154414c 00 00")).severity()).as("servers before 9.6 send only S").isEqualTo("FATAL");
        assertThat(ErrorResponse.decode(Wire.hex("00")).severity()).isEqualTo("ERROR");
    }

    @Test
    void theStartOfABodyTellsWhetherTheErrorEndsTheSession() {
        assertThat(endsSession("S FATAL 00 V FATAL 00 00")).isTrue();
        assertThat(endsSession("S PANIC 00 00")).as("servers before 9.6 send only S").isTrue();
        assertThat(endsSession("S SCHWERWIEGEND 00 V FATAL 00 00")).as("a localised S").isTrue();
        assertThat(endsSession("S ERROR 00 V ERROR 00 C 57P01 00 M FATAL 00 00")).as("only the severities count").isFalse();
        assertThat(endsSession("S FATALE 00 00")).isFalse();
        assertThat(endsSession("S FATA")).as("a severity cut off").isFalse();
        assertThat(endsSession("")).isFalse();
        assertThat(ErrorResponse.endsSession(Wire.hex(MISSING_RELATION))).isFalse();
        ErrorResponse fatal = new ErrorResponse("FATAL", SqlState.ADMIN_SHUTDOWN, "x".repeat(1000));
        assertThat(ErrorResponse.endsSession(Wire.body(fatal.encode(ByteBufAllocator.DEFAULT), 'E'))).as("a long error, from its start").isTrue();
    }

    /** Fields written as type letter, value and 00 (a NUL), separated by spaces. */
    private static boolean endsSession(String fields) {
        StringBuilder hex = new StringBuilder();
        for (String part : fields.split(" ")) {
            hex.append(part.equals("00") ? "00" : HexFormat.of().formatHex(part.getBytes(StandardCharsets.US_ASCII)));
        }
        byte[] body = HexFormat.of().parseHex(hex);
        byte[] peek = Arrays.copyOf(body, MessageScanner.MAX_PEEK);
        return ErrorResponse.endsSession(peek, body.length);
    }

    @Test
    void thePoolersOwnErrorIsSeverityTwiceCodeAndMessage() {
        ErrorResponse error = new ErrorResponse("FATAL", SqlState.TOO_MANY_CONNECTIONS, "connection pool is full");
        byte[] bytes = Wire.framed(Messages.fatal(ByteBufAllocator.DEFAULT, SqlState.TOO_MANY_CONNECTIONS, "connection pool is full"), 'E');
        assertThat(bytes).isEqualTo(Wire.framed(error.encode(ByteBufAllocator.DEFAULT), 'E'));
        assertThat(new String(bytes, 5, bytes.length - 5, StandardCharsets.UTF_8))
                .isEqualTo("SFATAL\0VFATAL\0C53300\0Mconnection pool is full\0\0");
    }

    @Test
    void malformedBodiesFail() {
        Wire.everyTruncationFails(ErrorResponse::decode, Wire.hex(MISSING_RELATION), "ErrorResponse");
        Wire.trailingBytesFail(ErrorResponse::decode, Wire.hex(MISSING_RELATION), "ErrorResponse");
        assertThatThrownBy(() -> ErrorResponse.decode(Wire.hex("534552524f52")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ErrorResponse: the field value has no NUL terminator");
        assertThatThrownBy(() -> ErrorResponse.decode(Wire.hex("534552524f5200")))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("malformed ErrorResponse: the body ends before the terminator of the field list (1 bytes needed, 0 left)");
    }

    @Test
    void fieldTypeZeroCannotBeEncoded() {
        assertThatThrownBy(() -> new ErrorResponse(Map.of('\0', "x"))).isInstanceOf(IllegalArgumentException.class);
    }
}
