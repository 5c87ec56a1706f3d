package io.dualhub.chaos.run;

/**
 * One chaos scenario: a name to run it by, one line on what it breaks, and the fault, which the drill runs while
 * the load runs. The fault marks when it starts, measures its failover and says when it is cleared. With
 * {@code everyInput}, the target edge takes every write input at once besides the line-protocol load.
 */
record Scenario(String name, String breaks, Fault fault, boolean everyInput) {

    Scenario(String name, String breaks, Fault fault) {
        this(name, breaks, fault, false);
    }

    /** What a scenario does to the topology. */
    @FunctionalInterface
    interface Fault {
        void inject(Drill drill) throws Exception;
    }

    /** Thrown by a fault that cannot run here (for example, it needs root to mount a tmpfs). */
    static final class Skipped extends RuntimeException {
        Skipped(String why) {
            super(why);
        }
    }
}
