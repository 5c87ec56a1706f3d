package io.dualhub.chaos.run;

import java.util.List;

/**
 * The outcome of one scenario as the report shows it; the counts are those of the CentralHub that did worst.
 * failoverMs and recoveryMs are -1 where they do not apply or were not reached; maxBacklog is in batches.
 */
record ScenarioResult(
        String name,
        boolean passed,
        long accepted,
        long stored,
        long declaredDropped,
        long lost,
        long duplicates,
        long failoverMs,
        long recoveryMs,
        long maxBacklog,
        List<String> notes) {}
