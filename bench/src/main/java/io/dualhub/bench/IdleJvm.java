package io.dualhub.bench;

/** The footprint reference: a JVM that starts and then only sleeps. */
public final class IdleJvm {
    private IdleJvm() {}

    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE); // until the bench kills it
    }
}
