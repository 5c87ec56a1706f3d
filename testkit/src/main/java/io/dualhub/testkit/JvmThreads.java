package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** The threads of the test's own JVM, for a hub started in it. */
public final class JvmThreads {
    private JvmThreads() {}

    /** Live threads whose name starts with {@code prefix}. */
    public static long named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }

    /**
     * Waits up to 10 s until exactly {@code count} live threads are named {@code prefix...}: a fixed pool that made its
     * threads, where a cached one would keep more for a minute after a crowd.
     */
    public static void awaitExactly(String prefix, long count) {
        await("threads named " + prefix + "*: " + count)
                .atMost(Duration.ofSeconds(10))
                .until(() -> named(prefix), n -> n == count);
    }
}
