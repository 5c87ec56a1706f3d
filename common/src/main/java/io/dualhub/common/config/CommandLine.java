package io.dualhub.common.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * A hub's command line: {@code --config FILE} plus flags that each override one configuration key. Flags win over
 * the YAML file, which wins over the defaults.
 */
public record CommandLine(Path configFile, Map<String, String> overrides, boolean help) {

    /**
     * Parses {@code args} where {@code flags} maps each accepted flag (without dashes) to the key it overrides.
     */
    public static CommandLine parse(String[] args, Map<String, String> flags) {
        Path config = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine(null, Map.of(), true);
            }
            String flag = arg.startsWith("--") ? arg.substring(2) : null;
            String value = null;
            if (flag != null && flag.contains("=")) {
                value = flag.substring(flag.indexOf('=') + 1);
                flag = flag.substring(0, flag.indexOf('='));
            } else if (flag != null && i + 1 < args.length) {
                value = args[++i];
            }
            if (flag == null || (!flag.equals("config") && !flags.containsKey(flag))) {
                throw new ConfigException("unknown argument '" + arg + "'; valid: --config FILE, "
                        + String.join(
                                ", ", flags.keySet().stream().map(f -> "--" + f).toList()));
            }
            if (value == null) {
                throw new ConfigException("flag --" + flag + " needs a value");
            }
            if (flag.equals("config")) {
                config = Path.of(value);
            } else {
                overrides.put(flags.get(flag), value);
            }
        }
        return new CommandLine(config, overrides, false);
    }

    /** One usage line per flag, for {@code --help}. */
    public static String usage(String command, Map<String, String> flags) {
        StringBuilder sb = new StringBuilder("usage: dualhub " + command + " [--config FILE]");
        flags.forEach((flag, key) ->
                sb.append(" [--").append(flag).append(' ').append(key).append(']'));
        return sb.toString();
    }

    /**
     * A hub's {@code main}: parses the flags, loads the config (file, then flags over defaults) and starts the hub;
     * {@code --help} prints the usage, and invalid arguments or configuration print one line and exit with 2.
     */
    public static <C> void run(
            String command,
            String[] args,
            Map<String, String> flags,
            BiFunction<Path, Map<String, String>, C> load,
            Consumer<C> start) {
        C config;
        try {
            CommandLine cli = parse(args, flags);
            if (cli.help()) {
                System.out.println(usage(command, flags));
                return;
            }
            config = load.apply(cli.configFile(), cli.overrides());
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("dualhub " + command + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        start.accept(config);
    }
}
