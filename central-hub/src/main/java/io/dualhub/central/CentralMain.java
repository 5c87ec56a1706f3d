package io.dualhub.central;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.cli.HubCommand;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code dualhub central}: reads flags and config, then runs the hub with its HTTP API until SIGTERM or Ctrl-C. */
public final class CentralMain {
    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("instance", "instance");
        FLAGS.put("nats", "nats.servers");
        FLAGS.put("data", "data.dir");
        FLAGS.put("port", "http.port");
        FLAGS.put("nkey", "nats.nkey");
    }

    private CentralMain() {}

    public static void main(String[] args) {
        HubCommand.run("central", args, FLAGS, CentralConfig::load, CentralMain::start);
    }

    /** Starts the hub and its HTTP server; the returned context stops both when closed. */
    public static ApplicationContext start(CentralConfig config) {
        config.logFormat().apply(Map.of("instance", config.instance()));
        return Micronaut.build(new String[0])
                .mainClass(CentralMain.class)
                .banner(false)
                .singletons(config)
                .properties(Map.of(
                        "micronaut.application.name", "dualhub-central",
                        "micronaut.server.host", config.httpHost(),
                        "micronaut.server.port", config.httpPort()))
                .properties(config.httpTls().serverProperties(config.httpPort()))
                .properties(ServerThreads.properties(ServerThreads.API, config.httpThreads()))
                .start();
    }
}
