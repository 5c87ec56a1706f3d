package io.dualhub.chaos.run;

import java.time.Duration;

/**
 * How long each phase of a scenario lasts: the full set uses the durations the scenarios are named by, the quick
 * set (for CI) shortens every fault while keeping its kind.
 *
 * @param lead     steady load before the fault and after it is cleared
 * @param fault    a link fault, a paused node, a node left dead before its restart
 * @param outage   the whole NATS cluster down
 * @param centrals both CentralHubs down
 * @param storm    the window in which an edge is killed five times
 * @param pause    the SIGSTOP of a NATS node
 */
record Phases(Duration lead, Duration fault, Duration outage, Duration centrals, Duration storm, Duration pause) {
    static final Phases FULL = new Phases(
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(15));
    static final Phases QUICK = new Phases(
            Duration.ofSeconds(2),
            Duration.ofSeconds(6),
            Duration.ofSeconds(12),
            Duration.ofSeconds(8),
            Duration.ofSeconds(10),
            Duration.ofSeconds(6));
}
