package io.pgagroal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a client's statements are counted as, and that every way of forgetting them gives it back. */
class ClientStatementsTest {

    private static final int MIB = 1024 * 1024;

    private static TransactionState.Statement statement(int bytes) {
        return new TransactionState.Statement("pgagroal_x", new byte[bytes], Classification.PLAIN);
    }

    @Test
    void statementsAndDescriptionsCountUntilForgotten() {
        ClientStatements statements = new ClientStatements();
        statements.keep("a", statement(1000));
        statements.described("a", new byte[50]);
        statements.described("a", new byte[70]);
        statements.described("unknown", new byte[70]);
        assertThat(statements.bytes()).as("the first description of a kept statement only").isEqualTo(ClientStatements.ENTRY_OVERHEAD + 1000 + 50);
        statements.keep("a", statement(10));
        assertThat(statements.bytes()).as("a statement kept again replaces the old one and its description").isEqualTo(ClientStatements.ENTRY_OVERHEAD + 10);
        assertThat(statements.description("a")).isNull();
        statements.described("a", new byte[30]);
        statements.forgetDescription("a");
        assertThat(statements.bytes()).isEqualTo(ClientStatements.ENTRY_OVERHEAD + 10);
        statements.keep("b", statement(20));
        statements.shapeChanged("b");
        assertThat(statements.forget("b")).isNotNull();
        assertThat(statements.changedShape("b")).isFalse();
        assertThat(statements.bytes()).isEqualTo(ClientStatements.ENTRY_OVERHEAD + 10);
        statements.clear();
        assertThat(statements.bytes()).isZero();
        assertThat(statements.contains("a")).isFalse();
    }

    @Test
    void aStatementFitsOnlyWithinTheBudgetCountingWhatItReplaces() {
        ClientStatements statements = new ClientStatements();
        int size = 15 * MIB;
        for (int i = 0; i < 4; i++) {
            assertThat(statements.fits("s" + i, size)).isTrue();
            statements.keep("s" + i, statement(size));
        }
        assertThat(statements.fits("s4", size)).isFalse();
        assertThat(statements.fits("s3", size)).as("in place of a statement of the same size").isTrue();
        assertThat(statements.fits("s4", (int) (ClientStatements.BUDGET - statements.bytes()) - ClientStatements.ENTRY_OVERHEAD)).isTrue();
        statements.described("s0", new byte[(int) (ClientStatements.BUDGET - statements.bytes()) + 1]);
        assertThat(statements.description("s0")).as("a description that does not fit is not kept").isNull();
        statements.forget("s0");
        assertThat(statements.fits("s4", size)).isTrue();
    }
}
