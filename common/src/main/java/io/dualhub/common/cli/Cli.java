package io.dualhub.common.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every dualhub command line is read, with picocli: {@code -h} or {@code --help} prints the usage and exits 0; an
 * unknown flag, a flag without its value or a value out of range prints one line naming it and exits 2; a command
 * refused at run time (a hub that cannot be reached, a file that exists) prints one line and exits 1.
 */
public final class Cli {
    /** The exit status of bad usage. */
    public static final int USAGE = 2;
    /** The exit status of a command that ran and was refused. */
    public static final int REFUSED = 1;

    private Cli() {}

    /**
     * Runs {@code command} (a picocli command object, its spec, or a {@link CommandLine} built of them) on
     * {@code args}; returns the exit status.
     */
    public static int execute(Object command, String... args) {
        return execute(
                command,
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8),
                args);
    }

    /** As {@link #execute(Object, String...)}, printing usage and results to {@code out}, problems to {@code err}. */
    public static int execute(Object command, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = command instanceof CommandLine built ? built : new CommandLine(command);
        withHelp(cli);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Cli::badUsage);
        cli.setExecutionExceptionHandler((e, failed, parsed) -> refused(e, failed));
        cli.setExecutionStrategy(Cli::runLast);
        return cli.execute(args);
    }

    /** A {@code main}'s last step: runs the command and exits with its status. */
    public static void exit(Object command, String... args) {
        System.exit(execute(command, args));
    }

    /**
     * What {@code make} builds from the flags; a value it refuses (an {@link IllegalArgumentException} naming the
     * flag) is bad usage.
     */
    public static <T> T valid(Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Gives every command and subcommand {@code -h} and {@code --help}. */
    private static void withHelp(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help")
                    .usageHelp(true)
                    .description("print this usage and exit")
                    .build());
        }
        cli.getSubcommands().values().forEach(Cli::withHelp);
    }

    /** Runs the last command given, as picocli does; a group of commands given none of them is bad usage. */
    private static int runLast(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        CommandSpec spec = last.commandSpec();
        Object command = spec.userObject();
        boolean runs = command instanceof Runnable || command instanceof Callable || command instanceof Method;
        if (!runs && !spec.subcommands().isEmpty() && !last.isUsageHelpRequested()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "a command is needed: "
                            + String.join(", ", spec.subcommands().keySet()));
        }
        return new RunLast().execute(parsed);
    }

    private static int badUsage(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        ParameterException first = e;
        if (!(e instanceof UnmatchedArgumentException)
                && !cli.getUnmatchedArguments().isEmpty()) { // a missing option may only follow from a mistyped one
            first = new UnmatchedArgumentException(cli, cli.getUnmatchedArguments());
        }
        String problem = first.getMessage();
        if (first instanceof UnmatchedArgumentException) {
            problem += " (valid: " + String.join(", ", valid(cli.getCommandSpec())) + ")";
        }
        cli.getErr().println(name(cli) + ": " + oneLine(problem));
        return USAGE;
    }

    private static int refused(Exception e, CommandLine failed) throws Exception {
        if (e instanceof UsageException) {
            failed.getErr().println(name(failed) + ": " + oneLine(e.getMessage()));
            return USAGE;
        }
        if (!(e instanceof IOException
                || e instanceof UncheckedIOException
                || e instanceof GeneralSecurityException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException)) {
            throw e; // a bug, not a refusal: its stack trace is wanted
        }
        failed.getErr().println(name(failed) + ": " + oneLine(String.valueOf(e.getMessage())));
        return REFUSED;
    }

    /** The flags and subcommands a command takes, for the line that refuses an unknown one. */
    private static List<String> valid(CommandSpec spec) {
        List<String> valid = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            valid.add(o.longestName());
        }
        valid.addAll(spec.subcommands().keySet());
        return valid;
    }

    private static String name(CommandLine cli) {
        return cli.getCommandSpec().qualifiedName();
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
