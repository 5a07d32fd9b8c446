package io.pgagroal.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.pgagroal.protocol.Messages;
import io.pgagroal.protocol.Parse;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The replacement of resets by DO blocks, and the counting that gives their CommandCompletes the statements' tags back. */
class StartupResetsTest {

    private static final Map<String, String> STARTUP = startup();

    private static Map<String, String> startup() {
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("search_path", "a, \"b c\"");
        startup.put("application_name", "it's $pgagroal$ \\ done");
        startup.put("is_superuser", "on");
        return startup;
    }

    private static String rewritten(String sql, ResetTags tags) {
        ByteBuf query = Messages.query(UnpooledByteBufAllocator.DEFAULT, sql);
        ByteBuf out = StartupResets.of(STARTUP).rewrite(query, query.readableBytes() - 1, StatementText.classify(query, query.readableBytes() - 1),
                true, tags);
        try {
            return out.toString(5, out.readableBytes() - 6, UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void aResetOfAStartupParameterBecomesADoBlockSettingItsStartupValue() {
        assertThat(rewritten("SELECT 1; reset Search_Path ; SELECT 2", new ResetTags())).isEqualTo(
                "SELECT 1; DO $pgagroal$BEGIN PERFORM pg_catalog.set_config(E'search_path', E'a, \"b c\"', false); END$pgagroal$; SELECT 2");
    }

    /** Quotes and backslashes are escaped, and the dollar quote is one no value contains; read-only parameters are never set. */
    @Test
    void resetAllSetsEveryStartupValueBack() {
        assertThat(rewritten("RESET ALL", new ResetTags())).isEqualTo("DO $pgagroal1$BEGIN RESET ALL; PERFORM "
                + "pg_catalog.set_config(E'application_name', E'it''s $pgagroal$ \\\\ done', false), "
                + "pg_catalog.set_config(E'search_path', E'a, \"b c\"', false); END$pgagroal1$");
    }

    @Test
    void otherStatementsStayAsTheyAre() {
        for (String sql : new String[] {"RESET work_mem", "SET search_path = x", "SELECT 'RESET ALL'", "RESET ALL; DISCARD ALL"}) {
            ByteBuf query = Messages.query(UnpooledByteBufAllocator.DEFAULT, sql);
            ByteBuf out = StartupResets.of(STARTUP).rewrite(query, query.readableBytes() - 1, StatementText.classify(query, query.readableBytes() - 1),
                    true, new ResetTags());
            assertThat(out.toString(UTF_8)).as(sql).contains(sql.contains("RESET ALL;") ? "DISCARD ALL" : sql);
            out.release();
        }
        assertThat(StartupResets.of(Map.of("is_superuser", "on")).none()).isTrue();
    }

    /** The CommandComplete of each replaced statement is the one renamed, counted by batch and result. */
    @Test
    void tagsFollowBatchesAndResults() {
        ResetTags tags = new ResetTags();
        tags.execute();
        rewritten("SELECT 1; RESET search_path; RESET ALL", tags);
        tags.endOfBatch();
        ByteBuf parse = new Parse("s", "SET search_path TO DEFAULT", List.of()).encode(UnpooledByteBufAllocator.DEFAULT);
        StartupResets.of(STARTUP).rewrite(parse, parse.readableBytes() - 1, StatementText.classify(parse, parse.readableBytes() - 1), true, tags)
                .release();
        tags.bind("p", "s");
        tags.execute("p");
        tags.endOfBatch();
        assertThat(List.of(tags.renames((byte) 'C'), tags.renames((byte) 'C'), tags.renames((byte) 'C'))).containsExactly(false, false, true);
        assertThat(tags.tag()).isEqualTo("RESET");
        assertThat(tags.renames((byte) 'C')).isTrue();
        assertThat(tags.tag()).isEqualTo("RESET");
        tags.readyForQuery(true);
        assertThat(tags.renames((byte) 'C')).isTrue();
        assertThat(tags.tag()).isEqualTo("SET");
        tags.readyForQuery(true);
        assertThat(tags.renames((byte) 'C')).isFalse();
    }

    @Test
    void anErrorEndsTheBatchWithItsRenamings() {
        ResetTags tags = new ResetTags();
        rewritten("RESET search_path; RESET ALL", tags);
        tags.endOfBatch();
        assertThat(tags.renames((byte) 'C')).isTrue();
        tags.tag();
        tags.readyForQuery(false);
        rewritten("SELECT 1", tags);
        tags.endOfBatch();
        assertThat(tags.renames((byte) 'C')).isFalse();
    }
}
