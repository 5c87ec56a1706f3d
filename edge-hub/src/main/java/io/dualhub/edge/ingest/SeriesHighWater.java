package io.dualhub.edge.ingest;

import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Per series, the newest timestamp the edge has appended, so that a remote-write sender's retry is taken once: a
 * sender (Prometheus) sends each series' samples in time order and resends a request it got no answer for, so a
 * sample at or before its series' newest timestamp here has been appended already and is left out. Seeded at start
 * from the batches appended in the window before the newest (a request appended just before a kill -9 is answered
 * by no one, and sent again); a series not written for the window is forgotten, which bounds the map. Guarded by
 * its own monitor: callers take {@link #fresh}, append, then {@link #advance} within one {@code synchronized} block
 * on this object, so two requests never both take the same sample.
 */
public final class SeriesHighWater {
    private record Series(String metric, SortedMap<String, String> tags) {}

    private record Newest(long timestampMs, long advancedAtMs) {}

    private final long windowMs;
    private final LinkedHashMap<Series, Newest> newest = new LinkedHashMap<>(); // least recently advanced first

    public SeriesHighWater(long windowMs) {
        this.windowMs = windowMs;
    }

    /** The points newer than their series' newest timestamp (and the first of any repeated in the list). */
    public synchronized List<Point> fresh(List<Point> points) {
        List<Point> fresh = new ArrayList<>(points.size());
        Map<Series, Long> seen = new HashMap<>();
        for (Point p : points) {
            Series s = new Series(p.metric(), p.tags());
            Newest known = newest.get(s);
            long floor = Math.max(
                    known == null ? Long.MIN_VALUE : known.timestampMs(), seen.getOrDefault(s, Long.MIN_VALUE));
            if (p.timestampMs() > floor) {
                fresh.add(p);
                seen.put(s, p.timestampMs());
            }
        }
        return fresh;
    }

    /** Records {@code appended} as appended at {@code nowMs}, and forgets series not written for the window. */
    public synchronized void advance(List<Point> appended, long nowMs) {
        for (Point p : appended) {
            Series s = new Series(p.metric(), p.tags());
            Newest known = newest.remove(s);
            long ts = known == null ? p.timestampMs() : Math.max(known.timestampMs(), p.timestampMs());
            newest.put(s, new Newest(ts, nowMs));
        }
        for (Iterator<Newest> it = newest.values().iterator(); it.hasNext(); ) {
            if (it.next().advancedAtMs() >= nowMs - windowMs) {
                break;
            }
            it.remove();
        }
    }

    public synchronized int size() {
        return newest.size();
    }
}
