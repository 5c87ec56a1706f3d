package io.dualhub.central.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * An edge's entry in the fleet registry (KV bucket {@code dualhub_fleet}, key = edge id): its state since when and
 * why, what it last said about itself, and its latest transitions, newest last.
 */
public record EdgeRecord(
        String edgeId,
        LifecycleState state,
        long sinceMs,
        String reason,
        String version,
        String host,
        String os,
        List<Transition> transitions) {
    public EdgeRecord {
        transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }

    /** This record after {@code t}, keeping at most {@code keep} transitions. */
    EdgeRecord moved(Transition t, int keep) {
        List<Transition> history = new ArrayList<>(transitions);
        history.add(t);
        while (history.size() > keep) {
            history.remove(0);
        }
        return new EdgeRecord(edgeId, t.to(), t.atMs(), t.reason(), version, host, os, history);
    }

    /** This record with what the edge last said about itself. */
    EdgeRecord describedAs(String newVersion, String newHost, String newOs) {
        return new EdgeRecord(edgeId, state, sinceMs, reason, newVersion, newHost, newOs, transitions);
    }
}
