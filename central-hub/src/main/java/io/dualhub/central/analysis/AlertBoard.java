package io.dualhub.central.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.Subjects;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The active alerts. Every CentralHub keeps the same board (each analyses every stored point), but only the leader
 * publishes a change — {@code firing} or {@code resolved} — on {@code dualhub.alerts.<severity>}, so a fleet gets one
 * message per change whichever hub holds the lease (an alert about a hub itself is published by that hub). Every
 * change also goes to the {@link Change} listener on every hub (alert delivery keeps its own copy, so a standby that
 * becomes leader knows what is firing); the listener must not block: raising and resolving happen on the analysis
 * and lifecycle threads.
 */
public final class AlertBoard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final BooleanSupplier leader;
    private final BiConsumer<String, byte[]> publisher;
    private final Consumer<Change> listener;

    /** A change of the board: an alert that fires (new, or at another severity) or resolved. */
    public record Change(Alert alert, boolean firing) {}

    /** {@code publisher} sends a subject and payload; it is called only while {@code leader} says so. */
    public AlertBoard(BooleanSupplier leader, BiConsumer<String, byte[]> publisher, Consumer<Change> listener) {
        this.leader = leader;
        this.publisher = publisher;
        this.listener = listener;
    }

    /** Raises an alert, or updates it in place (keeping its start) when its key is already active. */
    public void raise(Alert alert) {
        Alert previous = active.putIfAbsent(alert.key(), alert);
        if (previous == null) {
            changed(alert, true);
        } else if (!previous.severity().equals(alert.severity())) {
            Alert moved = previous.withSeverity(alert.severity(), alert.summary());
            active.put(alert.key(), moved);
            changed(moved, true);
        }
    }

    public void resolve(String key) {
        Alert gone = active.remove(key);
        if (gone != null) {
            changed(gone, false);
        }
    }

    /** Active alerts, critical first, oldest first within a severity. */
    public List<Alert> active() {
        return active.values().stream()
                .sorted(Comparator.comparing((Alert a) -> !a.severity().equals("critical"))
                        .thenComparingLong(Alert::sinceMs))
                .toList();
    }

    private void changed(Alert alert, boolean firing) {
        listener.accept(new Change(alert, firing));
        if (alert.aboutItsHub() || leader.getAsBoolean()) {
            publish(alert, firing ? "firing" : "resolved");
        }
    }

    private void publish(Alert alert, String state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state);
        body.put("key", alert.key());
        body.put("name", alert.name());
        body.put("severity", alert.severity());
        body.put("kind", alert.kind());
        body.put("edge", alert.edge());
        body.put("hub", alert.hub());
        body.put("metric", alert.metric());
        body.put("tags", alert.tags());
        body.put("summary", alert.summary());
        body.put("sinceMs", alert.sinceMs());
        try {
            publisher.accept(Subjects.alerts(alert.severity()), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert not serialisable", e);
        }
    }
}
