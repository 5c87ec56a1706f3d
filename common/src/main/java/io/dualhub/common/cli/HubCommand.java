package io.dualhub.common.cli;

import io.dualhub.common.config.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A hub's command line: {@code --config FILE} plus flags that each override one configuration key. Flags win over
 * the YAML file, which wins over the defaults; configuration that does not load is bad usage, like a bad flag.
 *
 * @param <C> the hub's configuration
 */
public final class HubCommand<C> implements Callable<Integer> {
    private final CommandSpec spec;
    private final Map<String, String> flags;
    private final BiFunction<Path, Map<String, String>, C> load;
    private C config;

    /**
     * The command line of {@code dualhub <command>}, where {@code flags} maps each accepted flag (without dashes) to
     * the key it overrides and {@code load} reads the configuration from the file and the overrides.
     */
    public HubCommand(String command, Map<String, String> flags, BiFunction<Path, Map<String, String>, C> load) {
        this.flags = Map.copyOf(flags);
        this.load = load;
        this.spec = CommandSpec.wrapWithoutInspection(this).name("dualhub " + command);
        spec.usageMessage().description("Runs the " + command + " hub; flags override the keys of the config file.");
        spec.addOption(OptionSpec.builder("--config")
                .paramLabel("FILE")
                .type(Path.class)
                .description("the YAML configuration file")
                .build());
        flags.forEach((flag, key) -> spec.addOption(OptionSpec.builder("--" + flag)
                .paramLabel("VALUE")
                .type(String.class)
                .description("sets " + key)
                .build()));
    }

    /**
     * A hub's {@code main}: parses the flags, loads the config and starts the hub; {@code --help} prints the usage,
     * and invalid arguments or configuration print one line and exit with 2.
     */
    public static <C> void run(
            String command,
            String[] args,
            Map<String, String> flags,
            BiFunction<Path, Map<String, String>, C> load,
            Consumer<C> start) {
        HubCommand<C> hub = new HubCommand<>(command, flags, load);
        int status = Cli.execute(hub.spec(), args);
        if (status != 0) {
            System.exit(status);
        }
        if (hub.config() != null) { // null after --help
            start.accept(hub.config());
        }
    }

    /** The command to give {@link Cli#execute}. */
    public CommandSpec spec() {
        return spec;
    }

    /** The configuration loaded by the last run; null before, after {@code --help} and after bad usage. */
    public C config() {
        return config;
    }

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>();
        flags.forEach((flag, key) -> {
            String value = spec.findOption("--" + flag).getValue();
            if (value != null) {
                overrides.put(key, value);
            }
        });
        Path file = spec.findOption("--config").getValue();
        try {
            config = Cli.valid(() -> load.apply(file, overrides));
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        }
        return 0;
    }
}
