package io.dualhub.testkit;

/** The threads of the test's own JVM, for a hub started in it. */
public final class JvmThreads {
    private JvmThreads() {}

    /** Live threads whose name starts with {@code prefix}. */
    public static long named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                .count();
    }
}
