package io.dualhub.edge;

import io.dualhub.common.cli.HubCommand;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.scheduling.TaskExecutors;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code dualhub edge}: reads flags and config, then runs the agent with its HTTP API until SIGTERM or Ctrl-C. */
public final class EdgeMain {
    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("id", "id");
        FLAGS.put("nats", "nats.servers");
        FLAGS.put("data", "data.dir");
        FLAGS.put("port", "http.port");
        FLAGS.put("nkey", "nats.nkey");
    }

    private EdgeMain() {}

    public static void main(String[] args) {
        HubCommand.run("edge", args, FLAGS, EdgeConfig::load, EdgeMain::start);
    }

    /** Starts the agent and its HTTP server; the returned context stops both when closed. */
    public static ApplicationContext start(EdgeConfig config) {
        config.logFormat().apply(Map.of(AboutEdge.EDGE_ID, config.id())); // every line of an edge is about it
        return Micronaut.build(new String[0])
                .mainClass(EdgeMain.class)
                .banner(false)
                .singletons(config)
                .properties(Map.of(
                        "micronaut.application.name", "dualhub-edge",
                        "micronaut.server.host", config.httpHost(),
                        "micronaut.server.port", config.httpPort(),
                        // both: a request body is buffered whole, and Micronaut buffers only 10 MiB by default
                        "micronaut.server.max-request-size", config.maxBodyBytes(),
                        "micronaut.server.max-request-buffer-size", config.maxBodyBytes()))
                .properties(ServerThreads.properties(TaskExecutors.IO, ioThreads(config)))
                .start();
    }

    /**
     * The edge's I/O pool: a write admitted takes up to two of its threads at once (the admission filter waits for
     * the write it let in, which runs on a thread of its own), and a few more answer what is refused and the other
     * blocking endpoints meanwhile, so a full house of writes never waits for a thread.
     */
    static int ioThreads(EdgeConfig config) {
        return 2 * config.maxConcurrentWrites() + 4;
    }
}
