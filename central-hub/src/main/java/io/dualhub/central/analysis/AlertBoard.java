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

/**
 * The active alerts. Every CentralHub keeps the same board (each analyses every stored point), but only the leader
 * publishes a change — {@code firing} or {@code resolved} — on {@code dualhub.alerts.<severity>}, so a fleet gets one
 * message per change whichever hub holds the lease.
 */
public final class AlertBoard {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final BooleanSupplier leader;
    private final BiConsumer<String, byte[]> publisher;

    /** {@code publisher} sends a subject and payload; it is called only while {@code leader} says so. */
    public AlertBoard(BooleanSupplier leader, BiConsumer<String, byte[]> publisher) {
        this.leader = leader;
        this.publisher = publisher;
    }

    /** Raises an alert, or updates it in place (keeping its start) when its key is already active. */
    public void raise(Alert alert) {
        Alert previous = active.putIfAbsent(alert.key(), alert);
        if (previous == null) {
            publish(alert, "firing");
        } else if (!previous.severity().equals(alert.severity())) {
            Alert moved = new Alert(
                    alert.key(), alert.severity(), alert.kind(), alert.edge(), alert.summary(), previous.sinceMs());
            active.put(alert.key(), moved);
            publish(moved, "firing");
        }
    }

    public void resolve(String key) {
        Alert gone = active.remove(key);
        if (gone != null) {
            publish(gone, "resolved");
        }
    }

    /** Active alerts, critical first, oldest first within a severity. */
    public List<Alert> active() {
        return active.values().stream()
                .sorted(Comparator.comparing((Alert a) -> !a.severity().equals("critical"))
                        .thenComparingLong(Alert::sinceMs))
                .toList();
    }

    private void publish(Alert alert, String state) {
        if (!leader.getAsBoolean()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", state);
        body.put("key", alert.key());
        body.put("severity", alert.severity());
        body.put("kind", alert.kind());
        body.put("edge", alert.edge());
        body.put("summary", alert.summary());
        body.put("sinceMs", alert.sinceMs());
        try {
            publisher.accept(Subjects.alerts(alert.severity()), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert not serialisable", e);
        }
    }
}
