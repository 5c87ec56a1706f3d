package io.dualhub.central;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.NatsFixture;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * A CentralHub running in the test's JVM with its HTTP API, on a real nats-server: the fixture's servers, a data
 * directory and a free HTTP port, plus the test's own keys. Closing it stops the hub as a shutdown does.
 */
public final class TestCentral implements AutoCloseable {
    private final ApplicationContext context;
    private final int port;

    private TestCentral(ApplicationContext context, int port) {
        this.context = context;
        this.port = port;
    }

    public static TestCentral start(NatsFixture nats, Path dataDir, Map<String, String> keys) {
        int port = FreePorts.next();
        Map<String, String> all = new HashMap<>(keys);
        all.put("nats.servers", nats.urls());
        all.put("data.dir", dataDir.toString());
        all.put("http.port", Integer.toString(port));
        return new TestCentral(CentralMain.start(CentralConfig.load(null, all)), port);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** One of the hub's named executors ({@code api}, {@code io}). */
    public ExecutorService executor(String name) {
        return context.getBean(ExecutorService.class, Qualifiers.byName(name));
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>} (the API over plain HTTP: without http.tls.*). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        context.close();
    }
}
