package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Which {@code io.pgagroal.*} packages the main sources use, read from the source files: imports
 * (static ones too) and fully qualified names in code; comments and string literals do not count. The
 * root package {@code io.pgagroal} is {@code ""}.
 *
 * <p>config reads and validates the files, security consumes the result: security may use config,
 * never the reverse. The pool stands alone: it neither speaks the protocol nor touches a channel.
 */
class PackageDependencyTest {

    private static final Path SOURCES = Path.of("src/main/java/io/pgagroal");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.pgagroal\\.(?:([a-z]\\w*)\\.)?[A-Z*]");

    @Test
    void configDoesNotUseSecurity() {
        assertThat(usages("config", "security")).as("config files using io.pgagroal.security").isEmpty();
    }

    /** The pool hands out slots and does no I/O: it uses no other package of ours, and no channel or buffer. */
    @Test
    void poolDoesNoIo() {
        forEachSource("pool", (file, code) -> {
            assertThat(dependencies(code)).as("%s uses", file).isEmpty();
            assertThat(withoutCommentsAndStrings(code)).as(file.toString()).doesNotContainPattern("io\\.netty\\.(channel\\.Channel|buffer)");
        });
    }

    /**
     * The management interface drives the pooler through {@link Pgagroal}, which alone starts it:
     * the pooler's own packages know nothing of it.
     */
    @Test
    void onlyTheEntryPointKnowsManagement() {
        for (String pkg : new String[] {"config", "security", "pool", "protocol", "pipeline", "server", "net", "session", "admin"}) {
            assertThat(usages(pkg, "management")).as("%s files using io.pgagroal.management", pkg).isEmpty();
        }
    }

    @Test
    void readsReferencesOutsideCommentsAndStrings() {
        String code = """
                package io.pgagroal.x;
                import io.pgagroal.config.Cidr;
                import static io.pgagroal.protocol.Messages.error;
                import io.pgagroal.server.*;
                // io.pgagroal.pool.Pool
                /** {@link io.pgagroal.net.Pooler} */
                class X { String s = "io.pgagroal.server.Servers"; io.pgagroal.security.Scram scram; Version v; }
                """;
        assertThat(dependencies(code)).containsExactlyInAnyOrder("config", "protocol", "server", "security");
    }

    /** The files of {@code from} (relative to the sources) that use {@code to}. */
    static Set<String> usages(String from, String to) {
        Set<String> files = new TreeSet<>();
        forEachSource(from, (file, code) -> {
            if (dependencies(code).contains(to)) {
                files.add(SOURCES.relativize(file).toString());
            }
        });
        return files;
    }

    private static void forEachSource(String pkg, BiConsumer<Path, String> action) {
        Path dir = SOURCES.resolve(pkg);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(PackageDependencyTest::isSource).forEach(file -> action.accept(file, read(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSource(Path file) {
        return Files.isRegularFile(file) && file.toString().endsWith(".java");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The io.pgagroal packages {@code source} refers to, its own package declaration left out. */
    static Set<String> dependencies(String source) {
        String code = withoutCommentsAndStrings(source).replaceFirst("\\bpackage\\s+[\\w.]+\\s*;", "");
        Set<String> packages = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            packages.add(m.group(1) == null ? "" : m.group(1));
        }
        return packages;
    }

    private static String withoutCommentsAndStrings(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = end(source, source.indexOf('\n', i), 0);
            } else if (source.startsWith("/*", i)) {
                i = end(source, source.indexOf("*/", i + 2), 2);
            } else if (source.startsWith("\"\"\"", i)) {
                i = end(source, source.indexOf("\"\"\"", i + 3), 3);
                code.append("\"\"");
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i++);
                while (i < source.length() && source.charAt(i) != quote) {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                code.append(quote).append(quote);
            } else {
                code.append(source.charAt(i++));
            }
        }
        return code.toString();
    }

    private static int end(String source, int found, int length) {
        return found < 0 ? source.length() : found + length;
    }
}
