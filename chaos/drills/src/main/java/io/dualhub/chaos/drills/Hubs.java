package io.dualhub.chaos.drills;

import io.dualhub.chaos.harness.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hubs of one drill: CentralHubs and edge agents started from the built jars against the given NATS servers,
 * each with its config file, data directory and log under the drill's directory and a free port; closing stops them
 * all.
 */
public final class Hubs implements AutoCloseable {
    private final Path dir;
    private final String natsUrls;
    private final List<HubProcess> started = new ArrayList<>();

    public Hubs(Path dir, String natsUrls) {
        this.dir = dir;
        this.natsUrls = natsUrls;
    }

    /** Starts CentralHub {@code instance} with the given YAML config (may be empty); data in {@code <dir>/<instance>}. */
    public HubProcess central(String instance, String yaml) {
        int port = FreePorts.next();
        return start(HubProcess.central(HubProcess.home(), instance, args("--instance", instance, yaml,
                dir.resolve(instance), port), dir.resolve(instance + ".log"), port));
    }

    /** Starts edge {@code id} with the given YAML config (may be empty); data in {@code <dir>/<id>}. */
    public HubProcess edge(String id, String yaml) {
        return edge(id, yaml, natsUrls, dir.resolve(id));
    }

    /** Starts edge {@code id} with its own server list and data directory. */
    public HubProcess edge(String id, String yaml, String servers, Path data) {
        int port = FreePorts.next();
        List<String> args = new ArrayList<>(args("--id", id, yaml, data, port));
        args.set(args.indexOf("--nats") + 1, servers);
        return start(HubProcess.edge(HubProcess.home(), id, args, dir.resolve(id + ".log"), port));
    }

    private List<String> args(String nameFlag, String name, String yaml, Path data, int port) {
        List<String> args = new ArrayList<>(List.of(nameFlag, name, "--nats", natsUrls, "--data", data.toString(),
                "--port", Integer.toString(port)));
        if (!yaml.isEmpty()) {
            Path config = dir.resolve(name + ".yml");
            try {
                Files.writeString(config, yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            args.addAll(List.of("--config", config.toString()));
        }
        return args;
    }

    private HubProcess start(HubProcess p) {
        started.add(p);
        return p.start();
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
    }
}
