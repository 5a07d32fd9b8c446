package io.pgagroal;

import picocli.CommandLine.Option;

/**
 * The -V and -? options every pgagroal program has (pgagroal uses -? for help, so picocli's
 * standard -h mixin does not fit); a command takes them with {@code @Mixin}, where they are to
 * appear in its help.
 */
public final class HelpOptions {

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Display version information")
    private boolean version;

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "Display help")
    private boolean help;
}
