package io.pgagroal.testing;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pgbench run and the figures read from its report. A figure is empty when pgbench did not
 * print it: it aborted before the report, or (failed transactions) it is older than version 15.
 */
public record PgbenchResult(ProcessResult process, OptionalLong processedTransactions,
                            OptionalLong failedTransactions, OptionalDouble tps) {

    private static final Pattern PROCESSED =
            Pattern.compile("^number of transactions actually processed: (\\d+)", Pattern.MULTILINE);
    private static final Pattern FAILED =
            Pattern.compile("^number of failed transactions: (\\d+)", Pattern.MULTILINE);
    // Versions before 14 print two tps lines (with and without connection time); the first is kept.
    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+)", Pattern.MULTILINE);

    public static PgbenchResult parse(ProcessResult process) {
        String report = process.stdout();
        return new PgbenchResult(process, longAfter(PROCESSED, report), longAfter(FAILED, report),
                doubleAfter(TPS, report));
    }

    private static OptionalLong longAfter(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static OptionalDouble doubleAfter(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
