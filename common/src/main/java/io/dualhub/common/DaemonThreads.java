package io.dualhub.common;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
     * A pool of {@code threads} daemon threads called {@code name-1}, {@code name-2}…, all started at once and kept
     * while the pool stands, so a soak sees the same count from start to end (not one that grows with the first
     * tasks, long after the process started).
     */
    public static ExecutorService pool(String name, int threads) {
        AtomicInteger made = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> thread(name + "-" + made.incrementAndGet(), r));
        pool.prestartAllCoreThreads();
        return pool;
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
