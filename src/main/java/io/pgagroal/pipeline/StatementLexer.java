package io.pgagroal.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the statements whose effect outlives their transaction in the text of a Query or Parse. It
 * runs on every query of the transaction pipeline, so it is a lexer, not a parser: the statements
 * that matter are told by their first few tokens (CREATE TEMP, LISTEN, SET, DISCARD ALL ...) or by a
 * call of a known function anywhere (pg_advisory_lock, set_config ...), and the lexer only has to
 * know, by PostgreSQL's lexical rules, which bytes are strings, comments and quoted identifiers and
 * where a statement ends. It reads the buffer in place with a tokenizer kept per thread, so a plain
 * query allocates nothing; only a finding does.
 *
 * <p>It cannot see what the text does not say: the statements inside a function or DO body (they are
 * a string), dynamic SQL run by EXECUTE, a function called through a view or a default, or anything
 * past the head of a query it was given. It errs towards pinning where a name is ambiguous. Strings
 * are read as standard_conforming_strings = on requires (only E'' strings take backslash escapes).
 */
public final class StatementLexer {

    private static final FastThreadLocal<StatementLexer> LEXERS = new FastThreadLocal<>() {
        @Override
        protected StatementLexer initialValue() {
            return new StatementLexer();
        }
    };

    /** The functions whose call matters anywhere in a statement, with the pin they cause (set_config: none, it sets parameters). */
    private enum Function {
        PG_ADVISORY_LOCK(PinReason.ADVISORY_LOCK),
        PG_ADVISORY_LOCK_SHARED(PinReason.ADVISORY_LOCK),
        PG_TRY_ADVISORY_LOCK(PinReason.ADVISORY_LOCK),
        PG_TRY_ADVISORY_LOCK_SHARED(PinReason.ADVISORY_LOCK),
        PG_BACKEND_PID(PinReason.BACKEND_PID),
        DBLINK_CONNECT(PinReason.DBLINK_CONNECTION),
        DBLINK_CONNECT_U(PinReason.DBLINK_CONNECTION),
        SET_CONFIG(null);

        private static final Function[] ALL = values();

        private final String name = name().toLowerCase(Locale.ROOT);
        private final PinReason pin;

        Function(PinReason pin) {
            this.pin = pin;
        }
    }

    /** What the rest of a statement is read for, besides function calls, given its first tokens. */
    private enum Body {
        ANY,
        /** SELECT or WITH: INTO TEMP creates a temporary table. */
        QUERY,
        /** CREATE: a name in schema pg_temp is a temporary object. */
        CREATE,
        CREATE_TEMPORARY,
        /** DECLARE, until its FOR: WITH HOLD. */
        DECLARE
    }

    /** The reserved words that may follow the target of SELECT INTO: after INTO TEMP, they make "temp" the table's name. */
    private static final String[] AFTER_INTO = {
        "from", "where", "group", "having", "window", "union", "intersect", "except", "order", "limit", "offset", "fetch", "for"
    };

    private final SqlTokens tokens = new SqlTokens();
    private PinReason pin;
    private boolean setsParameters;
    private boolean dropsPreparedStatements;
    private List<String> databases;
    private List<ResetStatement> resets;
    /** The statements read so far, empty ones not counted, and where the current one starts. */
    private int statements;
    private int statementStart;

    private StatementLexer() {
    }

    /**
     * Classifies the statements in {@code length} bytes of SQL text starting at {@code index} of
     * {@code text} (the query of a Query or Parse, without its terminating zero; possibly only the
     * head of a longer text). Reads without changing the buffer's indexes.
     */
    public static Classification classify(ByteBuf text, int index, int length) {
        StatementLexer lexer = LEXERS.get();
        lexer.tokens.reset(text, index, index + length);
        try {
            return lexer.classify();
        } finally {
            lexer.tokens.reset(null, 0, 0);
        }
    }

    private Classification classify() {
        pin = null;
        setsParameters = false;
        dropsPreparedStatements = false;
        databases = null;
        resets = null;
        statements = 0;
        while (tokens.next() != SqlTokens.END) {
            if (!tokens.symbol(';')) {
                statements++;
                statementStart = tokens.start();
            }
            statement();
        }
        if (pin == null && !setsParameters && !dropsPreparedStatements && databases == null && resets == null) {
            return Classification.PLAIN;
        }
        if (resets != null && statements == 1) {
            resets.set(0, resets.get(0).alone(true));
        }
        return new Classification(pin, setsParameters, dropsPreparedStatements, databases == null ? List.of() : databases,
                resets == null ? List.of() : resets);
    }

    /** Reads one statement from its first token to the {@code ;} or the end that ends it. */
    private void statement() {
        Body body = Body.ANY;
        if (tokens.accept("select") || tokens.accept("with") || tokens.symbol('(')) {
            body = Body.QUERY;
        } else if (tokens.accept("create")) {
            body = create();
        } else if (tokens.accept("declare")) {
            body = Body.DECLARE;
        } else if (tokens.accept("set")) {
            set();
        } else if (tokens.accept("reset")) {
            setsParameters = true;
            reset();
        } else if (tokens.accept("discard")) {
            if (tokens.accept("all")) {
                dropsPreparedStatements = true;
                setsParameters = true;
                foundReset(ResetStatement.Kind.DISCARD_ALL, null, false, "DISCARD ALL");
            }
        } else if (tokens.accept("deallocate")) {
            tokens.accept("prepare");
            if (tokens.is("all")) {
                dropsPreparedStatements = true;
            } else {
                String name = identifier();
                if (name != null) {
                    foundReset(ResetStatement.Kind.DEALLOCATE, name, false, "DEALLOCATE");
                }
            }
        } else if (tokens.accept("listen")) {
            found(PinReason.LISTEN);
        } else if (tokens.accept("load")) {
            found(PinReason.LOAD);
        } else if (tokens.accept("prepare")) {
            // PREPARE TRANSACTION 'gid' is two-phase commit; a statement may be named transaction
            if (!tokens.accept("transaction") || tokens.kind() != SqlTokens.STRING) {
                found(PinReason.PREPARE);
            }
        } else if ((tokens.accept("drop") || tokens.accept("alter")) && tokens.accept("database")) {
            if (tokens.accept("if")) {
                tokens.accept("exists");
            }
            database();
        }
        body(body);
    }

    private Body create() {
        if (tokens.accept("or")) {
            tokens.accept("replace");
        }
        if (tokens.accept("database")) {
            createDatabase();
            return Body.ANY;
        }
        return temporary() ? Body.CREATE_TEMPORARY : Body.CREATE;
    }

    /** Moves past {@code [LOCAL|GLOBAL] {TEMP|TEMPORARY}}; false if TEMP is not there. */
    private boolean temporary() {
        if (!tokens.accept("local")) {
            tokens.accept("global");
        }
        return tokens.accept("temp") || tokens.accept("temporary");
    }

    /** The new database and its template: options come in any order, as {@code name [=] value}. */
    private void createDatabase() {
        if (database() == null) {
            return;
        }
        tokens.accept("with");
        String template = "template1";
        while (tokens.kind() == SqlTokens.WORD) {
            boolean isTemplate = tokens.is("template");
            tokens.next();
            tokens.accept("limit");
            while (tokens.symbol('=') || tokens.symbol('-') || tokens.symbol('+')) {
                tokens.next();
            }
            String value = isTemplate && !tokens.is("default") ? tokens.name() : null;
            if (value != null) {
                template = value;
            }
            if (tokens.endOfStatement()) {
                break;
            }
            tokens.next();
        }
        databases.add(template);
    }

    /** Adds the database the current token names, and moves past it. */
    private String database() {
        String name = tokens.kind() == SqlTokens.STRING ? null : tokens.name();
        if (name != null) {
            if (databases == null) {
                databases = new ArrayList<>(2);
            }
            databases.add(name);
            tokens.next();
        }
        return name;
    }

    /**
     * SET, except SET LOCAL, TRANSACTION and CONSTRAINTS, changes the session; SET ROLE and SESSION
     * AUTHORIZATION pin it. SET [LOCAL] ... TO DEFAULT is a reset.
     */
    private void set() {
        if (tokens.accept("local")) {
            setDefault(true);
            return;
        }
        if (tokens.is("transaction") || tokens.is("constraints")) {
            return;
        }
        setsParameters = true;
        tokens.accept("session");
        if (tokens.isIdentifier("role")) {
            found(PinReason.SET_ROLE);
        } else if (tokens.is("authorization") || tokens.is("session") || tokens.isIdentifier("session_authorization")) {
            found(PinReason.SET_SESSION_AUTHORIZATION);
        } else {
            setDefault(false);
        }
    }

    /** {@code name {TO | =} DEFAULT}, {@code TIME ZONE {DEFAULT | LOCAL}}, {@code NAMES [DEFAULT]}: what follows SET [SESSION | LOCAL]. */
    private void setDefault(boolean local) {
        String parameter;
        if (tokens.accept("time")) {
            if (!tokens.accept("zone") || !tokens.accept("default") && !tokens.accept("local")) {
                return;
            }
            parameter = "timezone";
        } else if (tokens.accept("names")) {
            tokens.accept("default");
            parameter = "client_encoding";
        } else {
            parameter = variable();
            if (parameter == null) {
                return;
            }
            if (!tokens.accept("to") && !acceptSymbol('=') || !tokens.accept("default")) {
                if (!local && parameter.indexOf('.') >= 0) {
                    found(PinReason.CUSTOM_PARAMETER);
                }
                return;
            }
        }
        foundReset(ResetStatement.Kind.PARAMETER, parameter, local, "SET");
    }

    /** {@code RESET {name | ALL | TIME ZONE}}; RESET SESSION AUTHORIZATION, ROLE and TRANSACTION ISOLATION LEVEL set nothing a startup packet gives. */
    private void reset() {
        if (tokens.accept("all")) {
            foundReset(ResetStatement.Kind.ALL, null, false, "RESET");
        } else if (tokens.accept("time")) {
            if (tokens.accept("zone")) {
                foundReset(ResetStatement.Kind.PARAMETER, "timezone", false, "RESET");
            }
        } else if (!tokens.is("session") && !tokens.is("transaction")) {
            String parameter = variable();
            if (parameter != null) {
                foundReset(ResetStatement.Kind.PARAMETER, parameter, false, "RESET");
            }
        }
    }

    /** A parameter name, {@code ColId ['.' ColId]...}, moving past it; null if the tokens are not one. */
    private String variable() {
        String name = identifier();
        while (name != null && acceptSymbol('.')) {
            String part = identifier();
            name = part == null ? null : name + '.' + part;
        }
        return name;
    }

    private String identifier() {
        if (tokens.kind() != SqlTokens.WORD && tokens.kind() != SqlTokens.QUOTED) {
            return null;
        }
        String name = tokens.name();
        tokens.next();
        return name;
    }

    private boolean acceptSymbol(char c) {
        if (!tokens.symbol(c)) {
            return false;
        }
        tokens.next();
        return true;
    }

    /** Notes a reset when nothing follows what was read of the statement. */
    private void foundReset(ResetStatement.Kind kind, String parameter, boolean local, String tag) {
        if (!tokens.endOfStatement()) {
            return;
        }
        if (resets == null) {
            resets = new ArrayList<>(1);
        }
        resets.add(new ResetStatement(statements - 1, statementStart, tokens.start(), kind, parameter, local, tag, false));
    }

    /** Reads the rest of the statement, for calls of {@link Function}s and for what its {@link Body} looks for. */
    private void body(Body body) {
        boolean creating = body == Body.CREATE || body == Body.CREATE_TEMPORARY;
        boolean temporary = body == Body.CREATE_TEMPORARY;
        boolean onCommitDrop = false;
        while (!tokens.endOfStatement()) {
            if (body == Body.QUERY && (tokens.accept("insert") || tokens.accept("merge"))) {
                tokens.accept("into");
            } else if (body == Body.QUERY && tokens.accept("into")) {
                if (temporaryTarget()) {
                    found(PinReason.TEMPORARY_OBJECT);
                }
            } else if (body == Body.DECLARE && tokens.accept("with")) {
                if (tokens.is("hold")) {
                    found(PinReason.CURSOR_WITH_HOLD);
                }
            } else if (body == Body.DECLARE && tokens.is("for")) {
                body = Body.ANY;
            } else if (creating && tokens.accept("on")) {
                onCommitDrop |= tokens.accept("commit") && tokens.is("drop");
            } else {
                temporary |= creating && inPgTemp();
                call();
                tokens.next();
            }
        }
        if (temporary && !onCommitDrop) {
            found(PinReason.TEMPORARY_OBJECT);
        }
    }

    /**
     * After SELECT ... INTO: whether a temporary table follows, {@code [LOCAL|GLOBAL] TEMP [TABLE] name}
     * or {@code pg_temp.name}, not a table named temp. Leaves the tokens on what follows the words it read.
     */
    private boolean temporaryTarget() {
        if (inPgTemp()) {
            return true;
        }
        if (!temporary()) {
            return false;
        }
        if (tokens.kind() == SqlTokens.QUOTED) {
            return true;
        }
        if (tokens.kind() != SqlTokens.WORD) {
            return false;
        }
        for (String clause : AFTER_INTO) {
            if (tokens.is(clause)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the current token is the schema pg_temp qualifying a name: the session's temporary schema. */
    private boolean inPgTemp() {
        return tokens.isIdentifier("pg_temp") && tokens.followedBy('.');
    }

    /** Notes a call when the current token names a {@link Function} and a {@code (} follows. */
    private void call() {
        if (!tokens.followedBy('(')) {
            return;
        }
        for (Function function : Function.ALL) {
            if (tokens.isIdentifier(function.name)) {
                if (function.pin == null) {
                    setsParameters = true;
                    setConfig();
                } else {
                    found(function.pin);
                }
                return;
            }
        }
    }

    /**
     * {@code set_config(name, value, is_local)}, on its name: a parameter named with a dot set for the
     * session pins ({@link PinReason#CUSTOM_PARAMETER}), and so does a name that is not a string
     * constant; is_local counts only when written {@code true}. Calls inside the arguments count as
     * anywhere else. Leaves the tokens on the closing parenthesis.
     */
    private void setConfig() {
        tokens.next();
        int inside = tokens.depth();
        tokens.next();
        String name = tokens.kind() == SqlTokens.STRING && (tokens.followedBy(',') || tokens.followedBy(')')) ? tokens.name() : null;
        int arguments = 1;
        boolean local = false;
        while (!tokens.endOfStatement() && tokens.depth() >= inside) {
            if (tokens.depth() == inside && tokens.symbol(',')) {
                tokens.next();
                local = ++arguments == 3 && tokens.is("true") && tokens.followedBy(')');
                continue;
            }
            call();
            tokens.next();
        }
        if (!local && (name == null || name.indexOf('.') >= 0)) {
            found(PinReason.CUSTOM_PARAMETER);
        }
    }

    private void found(PinReason reason) {
        if (pin == null) {
            pin = reason;
        }
    }
}
