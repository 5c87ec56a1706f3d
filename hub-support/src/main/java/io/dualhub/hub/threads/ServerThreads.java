package io.dualhub.hub.threads;

import java.util.Map;

/**
 * The thread pools a hub's HTTP server runs its blocking work on, sized once at start so that a hub running for months
 * keeps the threads it started with. Micronaut's I/O pool is otherwise a cached pool (a thread per request in
 * progress, each ended after a minute idle, so the count follows the last minute's traffic), and its scheduled pool
 * starts its threads one by one as tasks are first scheduled. A fixed pool's threads are made by its first requests and
 * kept, and a request beyond them waits its turn instead of making another.
 *
 * <p>The edge runs its writes on Micronaut's I/O pool, fixed (on JDK 21 and later Micronaut runs {@code BLOCKING} work
 * on virtual threads instead, which the pool does not bound). The CentralHub runs its store-reading API on a pool of
 * its own, {@link #API}, and leaves the I/O pool to the framework: its liveness checks run there, and a crowd of slow
 * queries or backups must not keep them waiting.
 */
public final class ServerThreads {
    /** The name of the CentralHub's pool for its API's blocking requests ({@code @ExecuteOn(ServerThreads.API)}). */
    public static final String API = "api";

    /**
     * Threads of Micronaut's scheduled pool: it runs the framework's own timers, none of dualhub's work, so two are
     * plenty (its default is two per core, started as tasks first come).
     */
    public static final int SCHEDULED_THREADS = 2;

    private ServerThreads() {}

    /** Micronaut's properties for a fixed pool {@code executor} of {@code threads} threads, and its scheduled pool. */
    public static Map<String, Object> properties(String executor, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BUG: a pool of " + threads + " threads");
        }
        return Map.of(
                "micronaut.executors." + executor + ".type",
                "fixed",
                "micronaut.executors." + executor + ".n-threads",
                threads,
                "micronaut.executors.scheduled.type",
                "scheduled",
                "micronaut.executors.scheduled.core-pool-size",
                SCHEDULED_THREADS);
    }
}
