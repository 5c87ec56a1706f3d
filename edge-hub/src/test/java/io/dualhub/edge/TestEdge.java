package io.dualhub.edge;

import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.NatsFixture;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An edge agent running in the test's JVM on a real nats-server: its id, the fixture's servers, a data directory, an
 * HTTP port (a free one unless given: a restart on the same port needs it) and no host collector, plus the test's
 * own keys. Closing it stops the agent as a shutdown does.
 */
public final class TestEdge implements AutoCloseable {
    private final ApplicationContext context;
    private final int port;

    private TestEdge(ApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static TestEdge start(String id, NatsFixture nats, Path dataDir, Map<String, String> keys) {
        return start(id, nats, dataDir, FreePorts.next(), keys);
    }

    public static TestEdge start(String id, NatsFixture nats, Path dataDir, int port, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.put("id", id);
        all.put("nats.servers", nats.urls());
        all.put("data.dir", dataDir.toString());
        all.put("http.port", Integer.toString(port));
        all.putIfAbsent("collect.enabled", "false");
        return new TestEdge(EdgeMain.start(EdgeConfig.load(null, all)), port);
    }

    public EdgeAgent agent() {
        return context.getBean(EdgeAgent.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        context.close();
    }
}
