package io.dualhub.common;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Named daemon threads for the hubs' periodic jobs, so a job never keeps a stopping process alive. */
public final class DaemonThreads {
    private DaemonThreads() {}

    /** A single-threaded scheduler whose thread is a daemon called {@code name}. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
