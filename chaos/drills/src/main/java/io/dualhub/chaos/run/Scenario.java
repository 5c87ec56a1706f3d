package io.dualhub.chaos.run;

/**
 * One chaos scenario: a name to run it by, one line on what it breaks, and the fault, which the drill runs while
 * the load runs. The fault marks when it starts, measures its failover and says when it is cleared.
 */
record Scenario(String name, String breaks, Fault fault) {

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
