package io.dualhub.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hub's flags: each sets one key, over the config file; help, unknown flags and missing values. */
class HubCommandTest {
    private static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("port", "http.port");
        FLAGS.put("id", "id");
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private record Loaded(Path file, Map<String, String> overrides) {}

    private int run(HubCommand<?> hub, String... args) {
        return Cli.execute(hub.spec(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void flagsMapToKeysOverTheConfigFile() {
        HubCommand<Loaded> hub = new HubCommand<>("edge", FLAGS, Loaded::new);
        assertThat(run(hub, "--config", "a.yml", "--port", "1", "--id=x")).isZero();
        assertThat(hub.config().file()).isEqualTo(Path.of("a.yml"));
        assertThat(hub.config().overrides()).isEqualTo(Map.of("http.port", "1", "id", "x"));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpPrintsEveryFlagAndLoadsNothing() {
        HubCommand<Loaded> hub = new HubCommand<>("edge", FLAGS, Loaded::new);
        assertThat(run(hub, "--help")).isZero();
        assertThat(out.toString()).contains("dualhub edge", "--config=FILE", "--port=VALUE", "sets http.port", "--id");
        assertThat(hub.config()).isNull();
    }

    @Test
    void anUnknownFlagOrAMissingValueIsOneLineAndExitTwo() {
        HubCommand<Loaded> hub = new HubCommand<>("edge", FLAGS, Loaded::new);
        assertThat(run(hub, "--prot", "1")).isEqualTo(Cli.USAGE);
        assertThat(err.toString()).hasLineCount(1).contains("dualhub edge: ", "'--prot'", "--port");
        err.getBuffer().setLength(0);
        assertThat(run(hub, "--port")).isEqualTo(Cli.USAGE);
        assertThat(err.toString()).hasLineCount(1).contains("dualhub edge: ", "'--port'");
        assertThat(hub.config()).isNull();
    }

    @Test
    void configurationThatDoesNotLoadIsBadUsage() {
        HubCommand<Loaded> hub = new HubCommand<>("central", FLAGS, (file, overrides) -> {
            throw new ConfigException("http.port 'x' is not a number");
        });
        int status = run(hub, "--port", "x");
        assertThat(err.toString()).isEqualTo("dualhub central: http.port 'x' is not a number\n");
        assertThat(status).isEqualTo(Cli.USAGE);
    }
}
