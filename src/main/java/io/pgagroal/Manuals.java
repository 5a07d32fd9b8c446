package io.pgagroal;

import io.pgagroal.admin.Admin;
import io.pgagroal.management.Cli;
import io.pgagroal.vault.Vault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Run by the build at package time (exec-maven-plugin), never by the programs: writes each
 * command-line program's bash/zsh completion script ({@code completion/<name>.bash}, picocli's
 * AutoComplete) and man page ({@code man/<name>.adoc}, picocli-codegen's ManPageGenerator, AsciiDoc
 * of the manpage doctype) under the directory given. picocli-codegen is a provided dependency:
 * it is not in the jar, so this class runs only from the build's class path.
 */
public final class Manuals {

    /** Every program, by the name it is run as. */
    static final Map<String, Supplier<Object>> PROGRAMS = programs();

    private Manuals() {
    }

    private static Map<String, Supplier<Object>> programs() {
        Map<String, Supplier<Object>> programs = new LinkedHashMap<>();
        programs.put("pgagroal", Main::new);
        programs.put("pgagroal-cli", Cli::new);
        programs.put("pgagroal-admin", Admin::new);
        programs.put("pgagroal-vault", Vault::new);
        return programs;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Manuals <output directory>");
        }
        write(Path.of(args[0]));
    }

    static void write(Path out) throws IOException {
        Path completion = Files.createDirectories(out.resolve("completion"));
        Path man = Files.createDirectories(out.resolve("man"));
        for (Map.Entry<String, Supplier<Object>> program : PROGRAMS.entrySet()) {
            CommandLine commandLine = new CommandLine(program.getValue().get()).setCommandName(program.getKey());
            Files.writeString(completion.resolve(program.getKey() + ".bash"), AutoComplete.bash(program.getKey(), commandLine));
            int status = ManPageGenerator.generateManPage(man.toFile(), null, new boolean[0], true, commandLine.getCommandSpec());
            if (status != 0) {
                throw new IOException("the man page of " + program.getKey() + " could not be written (ManPageGenerator status " + status + ")");
            }
        }
    }
}
