package io.dualhub.common;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * A pool of {@code threads} daemon threads called {@code name-1}, {@code name-2}…, each made by the first task that
     * needs it and kept while the pool stands (a soak sees a fixed count).
     */
    public static ExecutorService pool(String name, int threads) {
        AtomicInteger made = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> thread(name + "-" + made.incrementAndGet(), r));
    }

    /** A daemon thread called {@code name} that runs {@code loop}, not started. */
    public static Thread thread(String name, Runnable loop) {
        Thread t = new Thread(loop, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Waits up to 5 s for a loop thread told to stop (its flag cleared and it woken) to end; an interrupt of the
     * caller is kept for it.
     */
    public static void awaitEnd(Thread thread) {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
