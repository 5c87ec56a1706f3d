package io.dualhub.central.export;

import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.SeqRanges;
import io.dualhub.central.store.SequenceTracker;
import io.dualhub.central.stream.ReadPositions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds what this hub's exporter saw while it leads against what the hub's own store holds, and finds the batches
 * the store holds that never reached the exporter.
 *
 * <p>Why: the durable consumers are the export's checkpoint, and nats-server before 2.10.26 can move a consumer past
 * messages it never delivered again (nats-io/nats-server#6469): a consumer leader that sent messages without getting
 * their delivery agreed is replaced, and the new leader, acknowledged for a message it never knew was delivered,
 * moves past the unacknowledged ones before it for good. The hubs' own consumers are healed by gap repair (the edges
 * resend); without this the receiver would silently miss those batches (a chaos drill pausing the stream leader once
 * left 1,050 of 31,950 points unexported).
 *
 * <p>How: per edge incarnation, the batch sequences the exporter handled (exported, found nothing to export in, or
 * declared lost) since this hub began leading, from the first one it saw. A sequence the store holds above that first
 * one and not handled is missing from the export. It is judged as gap repair judges the store's holes: only once the
 * export's consumers have acknowledged every message the streams held when it was first seen (before that it is
 * ordinary lag). Then the exporter replays the streams from {@link #REPLAY_MARGIN} before the last batch handled in
 * order; what that replay does not bring either (the streams no longer hold it) is given up: reported once, then
 * no longer watched.
 *
 * <p>Used by the exporter thread only.
 */
final class ExportReconciler {
    /**
     * How long before the last batch handled in order a replay starts: an edge resending after a failover can publish
     * a batch after later ones, by as long as its publish retries took.
     */
    static final Duration REPLAY_MARGIN = Duration.ofMinutes(1);

    /**
     * How far before a range was first found missing its replay may start at most: a replay reads every edge's
     * messages from there, and holds up the export while it runs.
     */
    static final Duration MAX_LOOKBACK = Duration.ofMinutes(10);

    /** How long an edge's earlier incarnation is accounted after its last message, once the store moved on. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /** What one message carried: batches {@code fromSeq..toSeq} of an edge incarnation, published at {@code atMs}. */
    record Handled(String edge, String incarnation, long fromSeq, long toSeq, long atMs) {}

    /** Batches the store holds and the export never handled: {@code ranges} of [from, to] pairs. */
    record Missing(String edge, String incarnation, List<long[]> ranges) {
        long batches() {
            return ranges.stream().mapToLong(r -> r[1] - r[0] + 1).sum();
        }

        String describe() {
            return String.join(",", ranges.stream().map(r -> r[0] + ".." + r[1]).toList());
        }
    }

    /**
     * What a round decided: replay from {@code replayFromMs} (-1: no replay) for {@code replayed}, and what was
     * given up.
     */
    record Verdict(long replayFromMs, List<Missing> replayed, List<Missing> givenUp) {
        static final Verdict NOTHING = new Verdict(-1, List.of(), List.of());
    }

    private static final class Account {
        private final String edge;
        private final SequenceTracker handled;
        private long inOrderAtMs; // when the message that last extended the contiguous prefix was published
        private long lastAtMs; // when the last message handled was published

        private Account(String edge, long floor, long atMs) {
            this.edge = edge;
            this.handled = new SequenceTracker(floor, List.of());
            this.inOrderAtMs = atMs;
            this.lastAtMs = atMs;
        }
    }

    /** Ranges found missing together at {@code atMs}, with the streams' ends at that moment. */
    private record Watched(long[] ends, List<long[]> ranges, long atMs) {}

    /** One key's ranges under judgement: found missing (suspect), and confirmed missing and replayed for. */
    private static final class Judged {
        private Watched suspect;
        private Watched replaying;
    }

    private final Map<String, Account> accounts = new HashMap<>(); // edge/incarnation ->
    private final Map<String, Judged> judged = new HashMap<>();
    // edge/incarnation -> the highest sequence the store held when this hub began leading
    private final Map<String, Long> baseline = new HashMap<>();
    private long newestAtMs; // the latest publish time of any message handled

    /**
     * Forgets everything, at a change of leadership: what another hub exported is not this one's to account. What
     * the store holds now ({@code stored}) is where each edge's account starts: an older batch handled later (an edge
     * resending after a failover, a gap repair) does not make everything between it and the newest a hole.
     */
    void reset(Collection<EdgeStoreState> stored) {
        accounts.clear();
        judged.clear();
        baseline.clear();
        stored.forEach(s -> baseline.put(key(s.edge(), s.incarnation()), s.highestSeq()));
    }

    void handled(Handled h) {
        String key = key(h.edge(), h.incarnation());
        Account a = accounts.get(key);
        if (a == null) {
            a = new Account(h.edge(), Math.max(h.fromSeq() - 1, baseline.getOrDefault(key, 0L)), h.atMs());
            accounts.put(key, a);
        }
        long before = a.handled.contiguous();
        for (long seq = Math.max(h.fromSeq(), before + 1); seq <= h.toSeq(); seq++) {
            a.handled.record(seq);
        }
        if (a.handled.contiguous() > before) {
            a.inOrderAtMs = h.atMs();
        }
        a.lastAtMs = Math.max(a.lastAtMs, h.atMs());
        newestAtMs = Math.max(newestAtMs, h.atMs());
    }

    /**
     * What each edge's store state holds above where its account starts, up to the highest sequence it holds, and
     * was never handled. Forgets an edge's earlier incarnation once the store moved on and nothing of it was handled
     * for {@link #FORGET_AFTER}, so an edge restarted every day leaves nothing behind.
     */
    List<Missing> missing(Collection<EdgeStoreState> stored) {
        Map<String, String> current = new HashMap<>();
        stored.forEach(s -> current.put(s.edge(), key(s.edge(), s.incarnation())));
        accounts.entrySet()
                .removeIf(e -> current.containsKey(e.getValue().edge)
                        && !current.get(e.getValue().edge).equals(e.getKey())
                        && newestAtMs - e.getValue().lastAtMs > FORGET_AFTER.toMillis());
        List<Missing> missing = new ArrayList<>();
        for (EdgeStoreState s : stored) {
            Account a = accounts.get(key(s.edge(), s.incarnation()));
            if (a == null) {
                continue;
            }
            List<long[]> unhandled = new ArrayList<>(a.handled.missing());
            if (s.highestSeq() > a.handled.highest()) {
                unhandled.add(new long[] {a.handled.highest() + 1, s.highestSeq()});
            }
            unhandled = subtract(unhandled, List.of(new long[] {s.highestSeq() + 1, Long.MAX_VALUE})); // not stored yet
            if (unhandled.isEmpty()) {
                continue;
            }
            List<long[]> notHeld = new ArrayList<>(s.missing());
            for (List<String> declared : List.of(s.droppedRanges(), s.lostRanges(), s.invalidRanges())) {
                notHeld.addAll(SeqRanges.fromText(String.join(",", declared)).ranges());
            }
            List<long[]> ranges = subtract(unhandled, notHeld);
            if (!ranges.isEmpty()) {
                missing.add(new Missing(s.edge(), s.incarnation(), ranges));
            }
        }
        return missing;
    }

    /**
     * One round over {@code missing} (from {@link #missing}, read before {@code ackFloors}), with the streams' ends
     * read after both (null when nothing is missing). {@code replayIdle}: no replay is asked for or under way, so one
     * asked for before has ended.
     */
    Verdict judge(List<Missing> missing, long[] ackFloors, long[] ends, boolean replayIdle, long nowMs) {
        Map<String, Missing> now = new HashMap<>();
        missing.forEach(m -> now.put(key(m.edge(), m.incarnation()), m));
        judged.keySet().retainAll(now.keySet());
        long replayFrom = Long.MAX_VALUE;
        List<Missing> replayed = new ArrayList<>();
        List<Missing> givenUp = new ArrayList<>();
        for (Map.Entry<String, Missing> e : now.entrySet()) {
            Missing m = e.getValue();
            Judged j = judged.computeIfAbsent(e.getKey(), k -> new Judged());
            List<long[]> open = m.ranges();
            if (j.replaying != null && replayIdle && ReadPositions.readPast(ackFloors, j.replaying.ends())) {
                // what the replay did not bring, the streams no longer hold
                Missing lost = new Missing(m.edge(), m.incarnation(), intersect(open, j.replaying.ranges()));
                giveUp(e.getKey(), lost);
                if (!lost.ranges().isEmpty()) {
                    givenUp.add(lost);
                }
                open = subtract(open, lost.ranges());
                j.replaying = null;
            }
            List<long[]> replaying = j.replaying == null ? List.of() : j.replaying.ranges();
            open = subtract(open, replaying);
            if (j.suspect != null && ReadPositions.readPast(ackFloors, j.suspect.ends())) {
                // missing then, everything the streams held then acknowledged since, and missing still: skipped
                List<long[]> confirmed = intersect(open, j.suspect.ranges());
                if (!confirmed.isEmpty()) {
                    List<long[]> all = new ArrayList<>(replaying);
                    all.addAll(confirmed);
                    j.replaying = new Watched(ends, all, nowMs);
                    open = subtract(open, confirmed);
                    replayed.add(new Missing(m.edge(), m.incarnation(), confirmed));
                    replayFrom = Math.min(replayFrom, replayStart(accounts.get(e.getKey()), j.suspect.atMs()));
                }
                j.suspect = null;
            }
            if (j.suspect == null && !open.isEmpty()) {
                j.suspect = new Watched(ends, open, nowMs);
            }
        }
        return replayFrom == Long.MAX_VALUE && givenUp.isEmpty()
                ? Verdict.NOTHING
                : new Verdict(replayFrom == Long.MAX_VALUE ? -1 : Math.max(0, replayFrom), replayed, givenUp);
    }

    /**
     * Where a replay for a range first found missing at {@code foundAtMs} starts: a margin before the last batch of
     * its edge handled in order or before it was found, whichever is earlier (it was published before the store held
     * it, and the store held it when it was found), but no more than {@link #MAX_LOOKBACK} before it was found.
     */
    private static long replayStart(Account a, long foundAtMs) {
        long anchor = Math.min(foundAtMs, Math.max(a.inOrderAtMs, foundAtMs - MAX_LOOKBACK.toMillis()));
        return anchor - REPLAY_MARGIN.toMillis();
    }

    /** The parts of {@code ranges} inside some range of {@code within}. */
    private static List<long[]> intersect(List<long[]> ranges, List<long[]> within) {
        return subtract(ranges, subtract(ranges, within));
    }

    private void giveUp(String key, Missing m) {
        Account a = accounts.get(key);
        for (long[] r : m.ranges()) {
            for (long seq = r[0]; seq <= r[1]; seq++) {
                a.handled.record(seq);
            }
        }
    }

    /** The parts of {@code ranges} outside every range of {@code minus}; all are [from, to] pairs. */
    static List<long[]> subtract(List<long[]> ranges, List<long[]> minus) {
        List<long[]> left = new ArrayList<>(ranges);
        for (long[] m : minus) {
            List<long[]> next = new ArrayList<>();
            for (long[] r : left) {
                if (m[1] < r[0] || m[0] > r[1]) {
                    next.add(r);
                    continue;
                }
                if (r[0] < m[0]) {
                    next.add(new long[] {r[0], m[0] - 1});
                }
                if (r[1] > m[1]) {
                    next.add(new long[] {m[1] + 1, r[1]});
                }
            }
            left = next;
        }
        return left;
    }

    private static String key(String edge, String incarnation) {
        return edge + "/" + incarnation;
    }
}
