package io.dualhub.central.recovery;

import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.WireFormatException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of recovery actions: every record is published to stream {@code DUALHUB_RECOVERY} (subjects
 * {@code dualhub.recovery.<playbook>}) and every CentralHub reads the whole stream back, so {@code /api/v1/recovery}
 * shows the same history on each and a new leader sees what its predecessor left pending.
 */
public final class RecoveryLog {
    public static final String STREAM = Subjects.RECOVERY_STREAM;
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);
    private static final int KEEP = 1000;

    private final NatsLink nats;
    private final int replicas;
    private final Duration maxAge;
    // latest record per action id, oldest first (guarded by this)
    private final Map<String, RecoveryAction> actions = new LinkedHashMap<>();
    private boolean open;

    public RecoveryLog(NatsLink nats, int replicas, Duration maxAge) {
        this.nats = nats;
        this.replicas = replicas;
        this.maxAge = maxAge;
    }

    /**
     * Once connected: creates the stream when missing and starts reading it from the beginning. Called until it
     * has happened; does nothing afterwards, or while NATS is away.
     */
    public synchronized void open() throws IOException, JetStreamApiException {
        Connection c = nats.live();
        if (open || c == null) {
            return;
        }
        JetStreamManagement jsm = c.jetStreamManagement();
        if (!jsm.getStreamNames().contains(STREAM)) {
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(Subjects.RECOVERY_WILDCARD)
                    .storageType(StorageType.File)
                    .retentionPolicy(RetentionPolicy.Limits)
                    .maxAge(maxAge)
                    .replicas(replicas)
                    .build());
        }
        c.jetStream()
                .subscribe(
                        Subjects.RECOVERY_WILDCARD,
                        c.createDispatcher(),
                        this::onRecord,
                        true,
                        PushSubscribeOptions.builder().ordered(true).build());
        open = true;
    }

    /** Records an action (a new one, or a new state of one); it is in this hub's view at once. */
    public void record(RecoveryAction action) {
        try (AboutEdge about = AboutEdge.of(action.edge())) {
            write(action);
        }
    }

    private void write(RecoveryAction action) {
        remember(action);
        Connection c = nats.live();
        if (c == null) {
            LOG.warn("recovery action {} not written to {} (NATS unavailable): {}", action.id(), STREAM, action);
            return;
        }
        try {
            c.jetStream().publish(Subjects.recovery(action.playbook()), EventCodec.encode(action));
        } catch (IOException | JetStreamApiException e) {
            LOG.warn("recovery action {} not written to {}: {}", action.id(), STREAM, e.toString());
        }
    }

    /** The latest state of each action, newest first; {@code edge} null for all. */
    public synchronized List<RecoveryAction> actions(String edge) {
        List<RecoveryAction> list = new ArrayList<>();
        for (RecoveryAction a : actions.values()) {
            if (edge == null || edge.equals(a.edge())) {
                list.add(a);
            }
        }
        list.sort(Comparator.comparingLong(RecoveryAction::atMs).reversed());
        return list;
    }

    /** Actions whose latest state is still pending. */
    public synchronized List<RecoveryAction> pending() {
        return actions.values().stream().filter(RecoveryAction::pending).toList();
    }

    private void onRecord(Message m) {
        try {
            remember(EventCodec.decode(m.getData(), RecoveryAction.class));
        } catch (WireFormatException e) {
            LOG.warn("ignoring unreadable recovery record: {}", e.getMessage());
        }
    }

    private synchronized void remember(RecoveryAction a) {
        RecoveryAction known = actions.get(a.id());
        if (known == null || known.atMs() <= a.atMs()) {
            actions.remove(a.id());
            actions.put(a.id(), a);
        }
        while (actions.size() > KEEP) {
            actions.remove(actions.keySet().iterator().next());
        }
    }
}
