package io.pgagroal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LimitsTest {

    private final Warnings warnings = new Warnings();

    private Limits read(String... lines) throws ConfigException {
        return LimitsFile.read(new Source("db.conf", List.of(lines)), 100, Set.of("app", "report"), warnings);
    }

    @Test
    void entriesWithAliasesAndOptionalSizes() throws ConfigException {
        Limits limits = read(
                "# DATABASE=ALIASES USER MAX INITIAL MIN",
                "mydb = a1 , a2   app   20  5  2   # main",
                "",
                "other  all  10",
                "all    report  5 1");
        assertThat(limits.entries()).containsExactly(
                new LimitEntry("mydb", List.of("a1", "a2"), "app", 20, 5, 2, 2),
                new LimitEntry("other", List.of(), "all", 10, 0, 0, 4),
                new LimitEntry("all", List.of(), "report", 5, 1, 0, 5));
        assertThat(warnings.list()).isEmpty();
    }

    @Test
    void allIsWhatMaxConnectionsLeaves() throws ConfigException {
        Limits limits = read("a app 30", "b report all all all");
        assertThat(limits.entries().get(1)).isEqualTo(new LimitEntry("b", List.of(), "report", 70, 70, 70, 2));
    }

    @Test
    void allWithNothingLeftIsAnError() {
        assertThatThrownBy(() -> read("a app 100", "b all all"))
                .hasMessage("db.conf:2: max_size: all leaves no connection: the earlier lines use all 100 (max_connections)");
    }

    @Test
    void moreThanMaxConnectionsIsAnError() {
        assertThatThrownBy(() -> read("a app 60", "b app 41"))
                .hasMessage("db.conf:2: max_size: the lines up to here use 101 connections, more than max_connections (100)");
    }

    @Test
    void sizesAreNormalisedWithWarnings() throws ConfigException {
        Limits limits = read("a app 5 10 8", "b app 10 2 4");
        assertThat(limits.entries()).extracting(LimitEntry::initialSize, LimitEntry::minSize)
                .containsExactly(tuple(5, 5), tuple(4, 4));
        assertThat(warnings.list()).containsExactly(
                "db.conf:1: initial_size: 10 is greater than max_size 5, using 5",
                "db.conf:1: min_size: 8 is greater than max_size 5, using 5",
                "db.conf:2: initial_size: 2 is smaller than min_size 4, using 4");
    }

    @Test
    void badLinesAreErrorsWithFileAndLine() {
        assertThatThrownBy(() -> read("a app")).hasMessage(
                "db.conf:1: expected DATABASE[=ALIAS,...] USER MAX_SIZE [INITIAL_SIZE [MIN_SIZE]], found 2 columns");
        assertThatThrownBy(() -> read("a app ten")).hasMessage("db.conf:1: max_size: \"ten\" is not a number or all");
        assertThatThrownBy(() -> read("a app 0")).hasMessage("db.conf:1: max_size: must be greater than 0");
        assertThatThrownBy(() -> read("a app 5 -1")).hasMessage("db.conf:1: initial_size: \"-1\" must not be negative");
        assertThatThrownBy(() -> read("a app 5 1 x")).hasMessage("db.conf:1: min_size: \"x\" is not a number or all");
        assertThatThrownBy(() -> read("all=x app 5")).hasMessage("db.conf:1: database: all cannot have aliases");
        assertThatThrownBy(() -> read("a=x,,y app 5")).hasMessage("db.conf:1: database: empty alias");
        assertThatThrownBy(() -> read("a=x,x app 5")).hasMessage("db.conf:1: database: alias \"x\" is listed twice");
        assertThatThrownBy(() -> read("a=x=y app 5")).hasMessage("db.conf:1: database: more than one '='");
        assertThatThrownBy(() -> read("=x app 5")).hasMessage("db.conf:1: database: missing database name");
    }

    @Test
    void aliasesMustLeadToOneDatabase() {
        assertThatThrownBy(() -> read("a=x app 5", "b=x app 5"))
                .hasMessage("db.conf:2: database: alias \"x\" is already an alias at line 1");
        assertThatThrownBy(() -> read("a app 5", "b=a app 5"))
                .hasMessage("db.conf:2: database: alias \"a\" is the database name at line 1");
        assertThatThrownBy(() -> read("a=b app 5", "b app 5"))
                .hasMessage("db.conf:2: database: \"b\" is an alias at line 1");
        assertThatThrownBy(() -> read("a=a app 5"))
                .hasMessage("db.conf:1: database: alias \"a\" is the database name at line 1");
    }

    @Test
    void prefillNeedsAKnownUser() {
        assertThatThrownBy(() -> read("a stranger 5 1"))
                .hasMessage("db.conf:1: user: \"stranger\" is not in the users file, which prefilling connections"
                        + " (initial_size or min_size above 0) needs");
    }

    @Test
    void bestRulePrefersExactThenUserThenDatabaseThenAll() throws ConfigException {
        Limits limits = read("all all 1", "mydb all 2", "all app 3", "mydb=alias app 4");
        assertThat(limits.bestRule("app", "mydb").orElseThrow().maxSize()).isEqualTo(4);
        assertThat(limits.bestRule("app", "alias").orElseThrow().maxSize()).isEqualTo(4);
        assertThat(limits.bestRule("app", "otherdb").orElseThrow().maxSize()).isEqualTo(3);
        assertThat(limits.bestRule("bob", "mydb").orElseThrow().maxSize()).isEqualTo(2);
        assertThat(limits.bestRule("bob", "otherdb").orElseThrow().maxSize()).isEqualTo(1);
    }

    @Test
    void bestRuleDoesNotDependOnLineOrder() throws ConfigException {
        Limits limits = read("mydb=alias app 4", "all app 3", "mydb all 2", "all all 1");
        assertThat(limits.bestRule("app", "mydb").orElseThrow().maxSize()).isEqualTo(4);
        assertThat(limits.bestRule("app", "otherdb").orElseThrow().maxSize()).isEqualTo(3);
        assertThat(limits.bestRule("bob", "mydb").orElseThrow().maxSize()).isEqualTo(2);
        assertThat(limits.bestRule("bob", "otherdb").orElseThrow().maxSize()).isEqualTo(1);
        assertThat(read("all app 3", "mydb all 2").bestRule("app", "mydb").orElseThrow().maxSize()).isEqualTo(3);
    }

    @Test
    void noMatchingRule() throws ConfigException {
        assertThat(read("mydb app 5").bestRule("bob", "mydb")).isEmpty();
        assertThat(Limits.NONE.bestRule("app", "mydb")).isEmpty();
    }

    @Test
    void aliasResolvesToTheRealDatabaseForItsUser() throws ConfigException {
        Limits limits = read("sales=shop,store app 5", "hr=people all 5");
        assertThat(limits.resolveDatabase("app", "shop")).isEqualTo("sales");
        assertThat(limits.resolveDatabase("app", "store")).isEqualTo("sales");
        assertThat(limits.resolveDatabase("bob", "shop")).isEqualTo("shop");
        assertThat(limits.resolveDatabase("bob", "people")).isEqualTo("hr");
        assertThat(limits.resolveDatabase("app", "sales")).isEqualTo("sales");
        assertThat(limits.resolveDatabase("app", "unknown")).isEqualTo("unknown");
    }
}
