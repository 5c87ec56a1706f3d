package io.dualhub.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dualhub.common.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A command line run in this JVM as an operator types it ({@link Cli#execute}): its exit status, what it printed
 * and the problems it printed.
 */
public record CliRun(int status, String out, String err) {

    /** Runs {@code command} (a picocli command object or spec) on {@code args}. */
    public static CliRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Cli.execute(command, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(status, out.toString(), err.toString());
    }

    /**
     * Checks what every command line promises, on a fresh command from {@code command} each time, after the
     * arguments {@code before} (a subcommand, required positionals): {@code --help} prints the usage and exits 0; an
     * unknown flag, and {@code flagWithValue} given last without its value, each print one line naming the flag and
     * exit 2.
     */
    public static void assertStandardFlags(Supplier<?> command, String flagWithValue, String... before) {
        CliRun help = of(command.get(), with(before, "--help"));
        assertEquals(0, help.status(), "--help: " + help);
        assertTrue(help.out().contains("Usage: ") && help.out().contains("--help"), "--help prints usage: " + help);
        assertTrue(help.err().isEmpty(), "--help prints no problem: " + help);
        oneLineNaming(of(command.get(), with(before, "--no-such-flag")), "'--no-such-flag'");
        oneLineNaming(of(command.get(), with(before, flagWithValue)), "'" + flagWithValue + "'");
    }

    private static void oneLineNaming(CliRun run, String flag) {
        assertEquals(Cli.USAGE, run.status(), "exit status of " + run);
        assertTrue(
                run.err().endsWith("\n") && run.err().indexOf('\n') == run.err().length() - 1, "one line: " + run);
        assertTrue(run.err().contains(flag), "the line names " + flag + ": " + run);
        assertTrue(run.out().isEmpty(), "nothing else printed: " + run);
    }

    private static String[] with(String[] before, String last) {
        List<String> args = new ArrayList<>(List.of(before));
        args.add(last);
        return args.toArray(String[]::new);
    }
}
