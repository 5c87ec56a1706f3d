package io.dualhub.chaos.drills;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.OsProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code ./dualhub up} as a user runs it, on free ports, its data and log under {@code dir}. */
record DualhubUp(OsProcess process, int natsPort, int centralPort, int edgePort) implements AutoCloseable {
    static DualhubUp start(Path dir) {
        int nats = FreePorts.next();
        int central = FreePorts.next();
        int edge = FreePorts.next();
        OsProcess up = OsProcess.start(
                "dualhub up",
                List.of(
                        HubProcess.home().resolve("dualhub").toString(),
                        "up",
                        "--nats-port",
                        Integer.toString(nats),
                        "--central-port",
                        Integer.toString(central),
                        "--edge-port",
                        Integer.toString(edge),
                        "--data",
                        dir.resolve("var").toString()),
                dir.resolve("up.log"));
        return new DualhubUp(up, nats, central, edge);
    }

    CentralClient central() {
        return new CentralClient("http://127.0.0.1:" + centralPort);
    }

    /** Ctrl-C, as a user stops it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.interrupt();
            process.awaitExit(Duration.ofSeconds(30));
        }
    }
}
