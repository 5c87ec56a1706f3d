package io.dualhub.hub.threads;

import java.util.Map;

/**
 * The thread pools a hub's HTTP server runs its blocking work on, sized once at start so that a hub running for months
 * keeps the threads it started with: Micronaut's I/O pool is otherwise a cached pool (a thread per request in
 * progress, each ended after a minute idle, so the count follows the last minute's traffic), and its scheduled pool
 * starts its threads one by one as tasks are first scheduled. Fixed, the I/O pool's threads are made by its first
 * requests and kept, and a request beyond them waits its turn instead of making another. (On a JDK with virtual
 * threads Micronaut runs blocking work on those instead, and the I/O pool is not used for it.)
 */
public final class ServerThreads {
    /**
     * Threads of Micronaut's scheduled pool: it runs the framework's own timers, none of dualhub's work, so two are
     * plenty (its default is two per core, started as tasks first come).
     */
    public static final int SCHEDULED_THREADS = 2;

    private ServerThreads() {}

    /** The Micronaut properties for an I/O pool of {@code ioThreads} threads and the scheduled pool. */
    public static Map<String, Object> properties(int ioThreads) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("BUG: an I/O pool of " + ioThreads + " threads");
        }
        return Map.of(
                "micronaut.executors.io.type",
                "fixed",
                "micronaut.executors.io.n-threads",
                ioThreads,
                "micronaut.executors.scheduled.type",
                "scheduled",
                "micronaut.executors.scheduled.core-pool-size",
                SCHEDULED_THREADS);
    }
}
