package io.pgagroal.pipeline;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every text is classified inside a larger buffer, between statements that would pin the client if
 * the lexer read outside the range it was given.
 */
class StatementLexerTest {

    private static final Classification SETS_PARAMETERS = new Classification(null, true, false, List.of());
    private static final byte[] BEFORE = "LISTEN before; ".getBytes(UTF_8);
    private static final byte[] AFTER = ";LISTEN after".getBytes(UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT abalance FROM pgbench_accounts WHERE aid = 123;",
        "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = $1",
        "INSERT INTO t (a, b) VALUES ($1, 'x''y') RETURNING *",
        "BEGIN; DELETE FROM t; COMMIT",
        "", "   \n\t", ";;;", "-- only a comment", "/* only /* a */ comment */",
        "CREATE TABLE t (a int)", "CREATE UNLOGGED TABLE t (temp int)", "EXECUTE p(1)", "COMMIT PREPARED 'gid'",
        "UNLISTEN x", "NOTIFY x, 'listen'", "SELECT load, listen, prepare FROM t", "DISCARD PLANS", "DISCARD TEMP",
        "DISCARD SEQUENCES", "DROP TABLE database", "COMMENT ON DATABASE d IS 'x'"
    })
    void plain(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TEMP TABLE t (a int)", "CREATE TEMPORARY TABLE t AS SELECT 1", "CREATE GLOBAL TEMP TABLE t (a int)",
        "CREATE LOCAL TEMPORARY TABLE t (a int)", "create temp sequence s", "CREATE TEMP VIEW v AS SELECT 1",
        "CREATE OR REPLACE TEMP VIEW v AS SELECT 1", "CREATE OR REPLACE TEMPORARY RECURSIVE VIEW v (n) AS SELECT 1",
        "cReAtE /* a */ tEmP -- b\n TABLE t ()", "CREATE TEMP TABLE t (a int) ON COMMIT DELETE ROWS",
        "CREATE TEMP TABLE t (a text DEFAULT 'on commit drop')", "CREATE TEMP TABLE t (a int) ON COMMIT PRESERVE ROWS",
        "CREATE TABLE pg_temp.t (a int)", "CREATE FUNCTION pg_temp.f() RETURNS int AS 'select 1' LANGUAGE sql",
        "CREATE TABLE \"pg_temp\" . t (a int)",
        "SELECT * INTO TEMP t FROM x", "SELECT * INTO TEMPORARY TABLE t FROM x", "select 1 into local temp t",
        "SELECT 1 INTO TEMP \"T\"", "SELECT 1 INTO pg_temp.t", "SELECT * INTO TEMP t FROM x FOR UPDATE",
        "WITH a AS (SELECT 1) SELECT * INTO TEMP t FROM a", "(SELECT 1 INTO TEMP t)"
    })
    void temporaryObjects(String sql) {
        assertThat(classify(sql)).isEqualTo(pinned(PinReason.TEMPORARY_OBJECT));
    }

    /** A view that uses a temporary table is temporary itself. */
    @Test
    void aViewOnATemporaryTableIsTemporary() {
        assertThat(classify("CREATE VIEW v AS SELECT * FROM pg_temp.t").pin()).isEqualTo(PinReason.TEMPORARY_OBJECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TEMP TABLE t (a int) ON COMMIT DROP", "create temporary table t on commit drop as select 1",
        "CREATE TABLE pg_temp.t (a int) ON COMMIT DROP",
        "SELECT * INTO temp FROM x", "SELECT 1 INTO temp", "SELECT 1 INTO temp.t", "SELECT * INTO t FROM x",
        "SELECT 1 INTO local FROM x", "INSERT INTO temp VALUES (1)", "SELECT * FROM pg_temp.t",
        "WITH a AS (INSERT INTO temp VALUES (1) RETURNING *) SELECT * FROM a",
        "WITH a AS (SELECT 1) MERGE INTO temp t USING a ON true WHEN MATCHED THEN DO NOTHING",
        "IMPORT FOREIGN SCHEMA s FROM SERVER f INTO temp", "SELECT 'into temp t'", "SELECT 1 AS \"into temp t\"",
        "CREATE TABLE t (a int); SELECT 'CREATE TEMP TABLE x'", "-- CREATE TEMP TABLE t\nSELECT 1"
    })
    void notTemporaryObjects(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT pg_advisory_lock(1)", "SELECT pg_advisory_lock_shared(1, 2)", "SELECT pg_try_advisory_lock(1)",
        "SELECT pg_try_advisory_lock_shared(1)", "SELECT pg_catalog.pg_advisory_lock(1)",
        "select PG_Advisory_Lock (1)", "SELECT pg_advisory_lock/* x */(1)", "SELECT \"pg_advisory_lock\"(1)",
        "UPDATE t SET locked = pg_try_advisory_lock(id) WHERE id = 1", "INSERT INTO t VALUES (pg_advisory_lock(1))"
    })
    void advisoryLocks(String sql) {
        assertThat(classify(sql)).isEqualTo(pinned(PinReason.ADVISORY_LOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT pg_advisory_xact_lock(1)", "SELECT pg_advisory_xact_lock_shared(1)", "SELECT pg_try_advisory_xact_lock(1)",
        "SELECT pg_try_advisory_xact_lock_shared(1)", "SELECT pg_advisory_unlock(1)", "SELECT pg_advisory_unlock_all()",
        "SELECT pg_advisory_lock FROM t", "SELECT 'pg_advisory_lock(1)'", "SELECT 1 -- pg_advisory_lock(1)",
        "SELECT \"pg_advisory_lock(1)\"", "SELECT $$pg_advisory_lock(1)$$", "SELECT my_pg_advisory_lock(1)",
        "SELECT \"PG_ADVISORY_LOCK\"(1)", "SELECT pg_advisory_lock_x(1)", "SELECT E'pg_advisory_lock(1)'"
    })
    void notAdvisoryLocks(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    @Test
    void otherPinningFunctions() {
        assertThat(classify("SELECT pg_backend_pid()")).isEqualTo(pinned(PinReason.BACKEND_PID));
        assertThat(classify("select pg_catalog.pg_backend_pid ( )")).isEqualTo(pinned(PinReason.BACKEND_PID));
        assertThat(classify("SELECT * FROM pg_stat_activity WHERE pid = pg_backend_pid")).isSameAs(Classification.PLAIN);
        assertThat(classify("SELECT dblink_connect('c', 'dbname=x')")).isEqualTo(pinned(PinReason.DBLINK_CONNECTION));
        assertThat(classify("SELECT dblink_connect_u('dbname=x')")).isEqualTo(pinned(PinReason.DBLINK_CONNECTION));
        assertThat(classify("SELECT dblink_disconnect('c')")).isSameAs(Classification.PLAIN);
    }

    @Test
    void statementsThatPinByTheirFirstWords() {
        assertThat(classify("LISTEN channel")).isEqualTo(pinned(PinReason.LISTEN));
        assertThat(classify("/* c */ Listen \"Channel\"")).isEqualTo(pinned(PinReason.LISTEN));
        assertThat(classify("LOAD 'auto_explain'")).isEqualTo(pinned(PinReason.LOAD));
        assertThat(classify("PREPARE p AS SELECT 1")).isEqualTo(pinned(PinReason.PREPARE));
        assertThat(classify("prepare p (int) as select $1")).isEqualTo(pinned(PinReason.PREPARE));
        assertThat(classify("PREPARE transaction AS SELECT 1")).as("a statement named transaction").isEqualTo(pinned(PinReason.PREPARE));
        assertThat(classify("PREPARE TRANSACTION 'gid'")).as("two-phase commit").isSameAs(Classification.PLAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DECLARE c CURSOR WITH HOLD FOR SELECT 1", "declare c binary no scroll cursor with hold for select 1",
        "DECLARE c CURSOR WITH /* x */ HOLD FOR SELECT 1"
    })
    void cursorsWithHold(String sql) {
        assertThat(classify(sql)).isEqualTo(pinned(PinReason.CURSOR_WITH_HOLD));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DECLARE c CURSOR WITHOUT HOLD FOR SELECT 1", "DECLARE c CURSOR FOR SELECT 1",
        "DECLARE c CURSOR FOR WITH hold AS (SELECT 1) SELECT * FROM hold", "DECLARE c CURSOR FOR SELECT 'with hold'",
        "DECLARE c CURSOR \"with\" hold FOR SELECT 1", "SELECT 1 FROM t WITH hold"
    })
    void cursorsWithoutHold(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET search_path = a", "SET SESSION search_path TO a", "set statement_timeout to 0", "SET TIME ZONE 'UTC'",
        "SET NAMES 'UTF8'", "SET SCHEMA 'a'", "SET XML OPTION DOCUMENT", "SET \"local\" = 1",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "RESET search_path", "RESET ALL", "reset role", "RESET SESSION AUTHORIZATION",
        "SELECT set_config('search_path', 'a', false)", "SELECT pg_catalog.set_config('a.b', 'c', true)",
        "SELECT 1; SET datestyle = iso"
    })
    void setsParameters(String sql) {
        assertThat(withoutResets(classify(sql))).isEqualTo(SETS_PARAMETERS);
    }

    /** A parameter named with a dot set for the session pins: PostgreSQL does not list it for the pooler to read back. */
    @ParameterizedTest
    @ValueSource(strings = {
        "SET myapp.tenant = 'a'", "set session MyApp.Tenant to 1", "SET \"my.setting\" = 1", "SET a.b.c = 1",
        "SELECT set_config('myapp.tenant', 'a', false)", "select pg_catalog.set_config('myapp.tenant', $1, $2)",
        "SELECT set_config('myapp.x', f(1, true), false)", "SELECT set_config('myapp.x', 'a', true) = 'a', set_config('myapp.y', 'b', false)",
        "SELECT set_config($1, $2, false)", "SELECT set_config('my' || '.x', 'a', false)", "SELECT set_config('myapp.x', 'a', true OR false)"
    })
    void customParametersSetForTheSessionPin(String sql) {
        Classification classification = classify(sql);
        assertThat(classification.pin()).isEqualTo(PinReason.CUSTOM_PARAMETER);
        assertThat(classification.setsParameters()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET LOCAL myapp.tenant = 'a'", "SELECT set_config('myapp.tenant', 'a', true)", "SET myapp.tenant TO DEFAULT",
        "SELECT set_config('myapp.x', (SELECT 'a, b'), true)", "SELECT set_config($1, $2, true)", "SELECT set_config('work_mem', '1MB', false)",
        "SELECT set_config('myapp.x', 'a', true); SELECT 1"
    })
    void transactionLocalOrOrdinaryParametersDoNotPin(String sql) {
        assertThat(classify(sql).pin()).isNull();
    }

    @Test
    void callsInsideAndAfterSetConfigStillCount() {
        assertThat(classify("SELECT set_config('myapp.pid', pg_backend_pid()::text, true)").pin()).isEqualTo(PinReason.BACKEND_PID);
        assertThat(classify("SELECT set_config('search_path', 'a', false), pg_advisory_lock(1)").pin()).isEqualTo(PinReason.ADVISORY_LOCK);
        assertThat(classify("SELECT set_config('search_path', set_config('myapp.x', 'a', false), true)").pin())
                .as("a set_config inside another").isEqualTo(PinReason.CUSTOM_PARAMETER);
    }

    /** Resets found, with the parameter, SET LOCAL, the tag, the statement's index, whether it stands alone, and its text. */
    @Test
    void resets() {
        assertResets("RESET search_path", "PARAMETER search_path false RESET 0 true [RESET search_path]");
        assertResets("reset ALL ; select 1", "ALL null false RESET 0 false [reset ALL ]");
        assertResets("select 1;; /* c */ RESET \"TimeZone\"", "PARAMETER TimeZone false RESET 1 false [RESET \"TimeZone\"]");
        assertResets("RESET TIME ZONE; RESET my.custom", "PARAMETER timezone false RESET 0 false [RESET TIME ZONE]",
                "PARAMETER my.custom false RESET 1 false [RESET my.custom]");
        assertResets("SET search_path TO DEFAULT", "PARAMETER search_path false SET 0 true [SET search_path TO DEFAULT]");
        assertResets("SET SESSION statement_timeout = default", "PARAMETER statement_timeout false SET 0 true [SET SESSION statement_timeout = default]");
        assertResets("set local search_path to default", "PARAMETER search_path true SET 0 true [set local search_path to default]");
        assertResets("SET TIME ZONE LOCAL", "PARAMETER timezone false SET 0 true [SET TIME ZONE LOCAL]");
        assertResets("SET LOCAL TIME ZONE DEFAULT", "PARAMETER timezone true SET 0 true [SET LOCAL TIME ZONE DEFAULT]");
        assertResets("SET NAMES DEFAULT", "PARAMETER client_encoding false SET 0 true [SET NAMES DEFAULT]");
        assertResets("DISCARD ALL", "DISCARD_ALL null false DISCARD ALL 0 true [DISCARD ALL]");
        assertResets("DEALLOCATE p", "DEALLOCATE p false DEALLOCATE 0 true [DEALLOCATE p]");
        assertResets("deallocate prepare \"S_1\"; select 1", "DEALLOCATE S_1 false DEALLOCATE 0 false [deallocate prepare \"S_1\"]");
        assertResets("DEALLOCATE \"all\"", "DEALLOCATE all false DEALLOCATE 0 true [DEALLOCATE \"all\"]");
        for (String other : new String[] {"DEALLOCATE p q", "DEALLOCATE ALL", "DEALLOCATE PREPARE ALL", "RESET SESSION AUTHORIZATION", "RESET TRANSACTION ISOLATION LEVEL", "SET search_path = 'default'",
            "SET search_path = default, public", "RESET search_path extra", "SET TIME ZONE 'UTC'", "DISCARD TEMP", "SELECT 'RESET ALL'"}) {
            assertThat(classify(other).resets()).as(other).isEmpty();
        }
    }

    private static void assertResets(String sql, String... expected) {
        byte[] bytes = sql.getBytes(UTF_8);
        assertThat(classify(bytes).resets()).as(sql).map(r -> r.kind() + " " + r.parameter() + " " + r.local() + " " + r.tag() + " "
                + r.statement() + " " + r.alone() + " [" + new String(bytes, r.start() - BEFORE.length, r.end() - r.start(), UTF_8) + "]")
                .containsExactly(expected);
    }

    private static Classification withoutResets(Classification classification) {
        return new Classification(classification.pin(), classification.setsParameters(), classification.dropsPreparedStatements(),
                classification.databases());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SET LOCAL search_path = a", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "SET CONSTRAINTS ALL DEFERRED",
        "set local role r", "SET LOCAL SESSION AUTHORIZATION u", "UPDATE t SET a = 1", "ALTER ROLE r SET search_path = a",
        "ALTER TABLE t SET (fillfactor = 10)", "ALTER SYSTEM SET work_mem = '1MB'", "SELECT set_config FROM t",
        "CREATE FUNCTION f() RETURNS int SET search_path = a AS $$ SELECT 1 $$ LANGUAGE sql", "SELECT 'set x = 1'"
    })
    void doesNotSetParameters(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    /** SET ROLE and SET SESSION AUTHORIZATION are SETs too: they pin, and they set parameters; even SET ROLE NONE pins. */
    @ParameterizedTest
    @ValueSource(strings = {"SET ROLE r", "SET SESSION ROLE r", "set role = r", "SET \"role\" TO r", "SET Role NONE"})
    void setRole(String sql) {
        assertThat(classify(sql)).isEqualTo(new Classification(PinReason.SET_ROLE, true, false, List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET SESSION AUTHORIZATION u", "SET SESSION SESSION AUTHORIZATION u", "set session_authorization = u"})
    void setSessionAuthorization(String sql) {
        assertThat(classify(sql)).isEqualTo(new Classification(PinReason.SET_SESSION_AUTHORIZATION, true, false, List.of()));
    }

    @Test
    void discardAndDeallocateAll() {
        assertThat(withoutResets(classify("DISCARD ALL"))).isEqualTo(new Classification(null, true, true, List.of()));
        assertThat(withoutResets(classify("discard all"))).isEqualTo(new Classification(null, true, true, List.of()));
        assertThat(classify("DEALLOCATE ALL")).isEqualTo(new Classification(null, false, true, List.of()));
        assertThat(classify("Deallocate Prepare All")).isEqualTo(new Classification(null, false, true, List.of()));
    }

    @Test
    void droppedAndAlteredDatabases() {
        assertThat(classify("DROP DATABASE foo").databases()).containsExactly("foo");
        assertThat(classify("drop database if exists Foo").databases()).containsExactly("foo");
        assertThat(classify("DROP DATABASE \"Foo\"\"Bar\" WITH (FORCE)").databases()).containsExactly("Foo\"Bar");
        assertThat(classify("DROP /* x */ DATABASE\n\"foo\";").databases()).containsExactly("foo");
        assertThat(classify("ALTER DATABASE Foo RENAME TO bar").databases()).containsExactly("foo");
        assertThat(classify("ALTER DATABASE foo SET TABLESPACE t")).isEqualTo(databases("foo"));
        assertThat(classify("ALTER DATABASE foo SET search_path = a")).as("not a session SET").isEqualTo(databases("foo"));
    }

    @Test
    void createdDatabasesAndTheirTemplates() {
        assertThat(classify("CREATE DATABASE x")).isEqualTo(databases("x", "template1"));
        assertThat(classify("create database X template template0").databases()).containsExactly("x", "template0");
        assertThat(classify("CREATE DATABASE x WITH OWNER = a TEMPLATE = template0 ENCODING 'UTF8'").databases())
                .containsExactly("x", "template0");
        assertThat(classify("CREATE DATABASE x OWNER template ENCODING = 'UTF8' TEMPLATE \"My\"\"Template\" IS_TEMPLATE true")
                .databases()).containsExactly("x", "My\"Template");
        assertThat(classify("CREATE DATABASE x CONNECTION LIMIT = -1 TEMPLATE t").databases()).containsExactly("x", "t");
        assertThat(classify("CREATE DATABASE x TEMPLATE = 'Template0'").databases()).containsExactly("x", "Template0");
        assertThat(classify("CREATE DATABASE x TEMPLATE DEFAULT").databases()).containsExactly("x", "template1");
        assertThat(classify("CREATE DATABASE x TEMPLATE $$Tmpl$$").databases()).containsExactly("x", "Tmpl");
        assertThat(classify("CREATE DATABASE x LOCALE_PROVIDER icu ICU_LOCALE 'en' STRATEGY = file_copy").databases())
                .containsExactly("x", "template1");
        assertThat(classify("CREATE DATABASE x TEMPLATE").databases()).as("cut").containsExactly("x", "template1");
        assertThat(classify("CREATE DATABASE")).as("cut").isSameAs(Classification.PLAIN);
        assertThat(classify("SELECT 'DROP DATABASE x'")).isSameAs(Classification.PLAIN);
    }

    /** Names are read as PostgreSQL reads them in UTF-8: only ASCII letters are folded. */
    @Test
    void nonAsciiDatabaseNames() {
        assertThat(classify("DROP DATABASE ÄBC").databases()).containsExactly("Äbc");
        assertThat(classify("DROP DATABASE \"Ünïcödé\"").databases()).containsExactly("Ünïcödé");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 'it''s; LISTEN x'", "SELECT E'\\'; LISTEN x'", "SELECT e'a\\\\\\'; LISTEN x'",
        "SELECT N'; LISTEN x', B'1010', X'FF', U&'; LISTEN x'", "SELECT U&\"; LISTEN x\"", "SELECT \"a\"\";LISTEN x\" FROM t",
        "/* a /* b */ ; LISTEN x */ SELECT 1", "SELECT 1 -- ; LISTEN x", "-- LISTEN x\nSELECT 1", "SELECT $$; LISTEN x$$",
        "SELECT $tag$ $$; LISTEN x $$ $tag$", "SELECT $a$x$b$; LISTEN y$b$ $a$", "SELECT $_1$; LISTEN x$_1$",
        "DO $$BEGIN PERFORM pg_advisory_lock(1); EXECUTE 'LISTEN x'; END$$"
    })
    void stringsCommentsAndQuotedIdentifiersHideKeywords(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    /** Each text ends a string, comment, parameter or identifier where PostgreSQL does, so the LISTEN after it counts. */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT E'\\\\'; LISTEN x", "SELECT 'a\\'; LISTEN x", "/* a /* b */ c */ LISTEN x", "SELECT 1; -- c\rLISTEN x",
        "SELECT 1 /* */; LISTEN x", "SELECT $$a$$; LISTEN x", "SELECT $Tag$ $tag$ $Tag$; LISTEN x", "SELECT \"a\"; LISTEN x",
        "SELECT $1, $2 FROM t WHERE a = $1; LISTEN x", "SELECT $1$; LISTEN x", "SELECT a$b$ FROM t; LISTEN x",
        "SELECT $ ; LISTEN x"
    })
    void tokensEndWherePostgresqlEndsThem(String sql) {
        assertThat(classify(sql)).isEqualTo(pinned(PinReason.LISTEN));
    }

    @Test
    void everyStatementCountsAndTheFirstPinWins() {
        assertPin("select 1; listen x", PinReason.LISTEN);
        assertPin("SELECT pg_backend_pid(); LISTEN x", PinReason.BACKEND_PID);
        assertThat(withoutResets(classify("LISTEN a; SET LOCAL x = 1; DISCARD ALL; DROP DATABASE d; SELECT pg_advisory_lock(1)")))
                .isEqualTo(new Classification(PinReason.LISTEN, true, true, List.of("d")));
        assertThat(classify("DROP DATABASE a; CREATE DATABASE b TEMPLATE c;ALTER DATABASE d OWNER TO e"))
                .isEqualTo(databases("a", "b", "c", "d"));
    }

    /** Within a statement too, the first found: CREATE TEMP is decided at the statement's end (ON COMMIT DROP may come last). */
    @Test
    void withinAStatementTheFirstFoundWins() {
        assertPin("SELECT pg_advisory_lock(1), pg_backend_pid()", PinReason.ADVISORY_LOCK);
        assertPin("CREATE TEMP TABLE t AS SELECT pg_backend_pid()", PinReason.BACKEND_PID);
        assertPin("CREATE TEMP TABLE t ON COMMIT DROP AS SELECT pg_backend_pid()", PinReason.BACKEND_PID);
    }

    /** A ; inside parentheses does not end a statement: a rule's actions are not run. */
    @Test
    void semicolonsInsideParentheses() {
        assertPlain("CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY t; LISTEN x)");
        assertPin("SELECT (1)); LISTEN x", PinReason.LISTEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 'abc; LISTEN", "SELECT 1 /* LISTEN", "SELECT 1 /* /* */ LISTEN", "SELECT $$ LISTEN", "SELECT $tag",
        "SELECT \"LISTEN", "SELECT E'\\", "SELECT U&", "SELECT pg_advisory_lock"
    })
    void headsCutInsideAToken(String sql) {
        assertThat(classify(sql)).isSameAs(Classification.PLAIN);
    }

    @Test
    void headsCutAnywhere() {
        assertPin("LISTEN", PinReason.LISTEN);
        assertThat(classify("SET")).isEqualTo(SETS_PARAMETERS);
        String text = "CREATE DATABASE \"d\"\"b\" TEMPLATE = t; SELECT e'\\'' || $x$ ' $x$ || U&\"a\" /* /* */ */ "
                + "-- c\n FROM t WHERE a = $1; SET LOCAL x = 'y'; DECLARE c CURSOR WITH HOLD FOR SELECT 1";
        for (int length = 0; length <= text.length(); length++) {
            assertThat(classify(text.substring(0, length))).as(text.substring(0, length)).isNotNull();
        }
        assertThat(classify(text)).isEqualTo(new Classification(PinReason.CURSOR_WITH_HOLD, false, false, List.of("d\"b", "t")));
    }

    @Test
    void nonAsciiBytesAreIdentifierCharacters() {
        assertPin("SELECT 'héllo' AS \"ünï\", café FROM t WHERE 日本 = 1; LISTEN ç", PinReason.LISTEN);
        assertPlain("SELECT 日本語(1), pg_advisory_locké(1)");
        assertPin(latin1("SELECT caf\u00e9, '\u00e9' FROM t; LISTEN \u00e7"), PinReason.LISTEN);
        assertThat(classify(latin1("\u00a0LISTEN x"))).as("a no-break space is no space").isSameAs(Classification.PLAIN);
        assertThat(classify(latin1("SELECT pg_backend_pid\u00e9()"))).isSameAs(Classification.PLAIN);
    }

    @Test
    void readsOnlyItsRangeOfADirectBuffer() {
        ByteBuf buffer = Unpooled.directBuffer().writeBytes("UNLISTEN x; pg_backend_pid()SET LOCAL x = 1".getBytes(UTF_8));
        try {
            assertThat(StatementLexer.classify(buffer, 2, 8)).isEqualTo(pinned(PinReason.LISTEN));
            assertThat(StatementLexer.classify(buffer, 12, 14)).isSameAs(Classification.PLAIN);
            assertThat(StatementLexer.classify(buffer, 28, 3)).isEqualTo(SETS_PARAMETERS);
            assertThat(StatementLexer.classify(buffer, 28, 0)).isSameAs(Classification.PLAIN);
            assertThat(buffer.readerIndex()).isZero();
            assertThat(buffer.writerIndex()).isEqualTo(43);
        } finally {
            buffer.release();
        }
    }

    private static void assertPlain(String sql) {
        assertThat(classify(sql)).as(sql).isSameAs(Classification.PLAIN);
    }

    private static void assertPin(String sql, PinReason reason) {
        assertPin(sql.getBytes(UTF_8), reason);
    }

    private static void assertPin(byte[] sql, PinReason reason) {
        assertThat(classify(sql).pin()).as(new String(sql, UTF_8)).isEqualTo(reason);
    }

    private static Classification pinned(PinReason reason) {
        return new Classification(reason, false, false, List.of());
    }

    private static Classification databases(String... names) {
        return new Classification(null, false, false, List.of(names));
    }

    private static byte[] latin1(String sql) {
        return sql.getBytes(ISO_8859_1);
    }

    private static Classification classify(String sql) {
        return classify(sql.getBytes(UTF_8));
    }

    private static Classification classify(byte[] sql) {
        ByteBuf buffer = Unpooled.buffer().writeBytes(BEFORE).writeBytes(sql).writeBytes(AFTER);
        int writerIndex = buffer.writerIndex();
        buffer.readerIndex(1);
        try {
            Classification classification = StatementLexer.classify(buffer, BEFORE.length, sql.length);
            assertThat(buffer.readerIndex()).isEqualTo(1);
            assertThat(buffer.writerIndex()).isEqualTo(writerIndex);
            return classification;
        } finally {
            buffer.release();
        }
    }
}
