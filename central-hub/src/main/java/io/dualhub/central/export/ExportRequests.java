package io.dualhub.central.export;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Cuts the points of some batches into remote-write requests of at most {@code maxSamples} samples, in lanes that may
 * be sent at the same time: grouped by series, each series in one lane (dealt round in the order the series first
 * appear), its samples in timestamp order, a series longer than what is left of a request continued in the lane's
 * next one. So a lane's requests sent one after the other bring every series of the lane to the receiver in timestamp
 * order, whatever the other lanes do: Prometheus' shards, parallel only across series.
 */
final class ExportRequests {
    private ExportRequests() {}

    private record SeriesId(String edge, String metric, SortedMap<String, String> tags) {}

    /**
     * The series of one batch's points: a decoded batch shares one metric string and one tag map among the points of
     * a series (BatchCodec), so within a batch a series is found by identity, without comparing its tags (the first
     * few one by one, as a batch has few series, the rest hashed by identity); another batch's points of it are
     * matched by {@link SeriesId}, once per batch.
     */
    private static final class BatchSeries {
        private static final int FEW = 8;
        private final String[] metrics = new String[FEW];
        private final Object[] tagSets = new Object[FEW];
        private final ExportSeries[] series = new ExportSeries[FEW];
        private int count;
        private Map<SameObjects, ExportSeries> more;

        private record SameObjects(String metric, Object tags) {
            @Override
            public boolean equals(Object o) {
                return o instanceof SameObjects s && s.metric == metric && s.tags == tags;
            }

            @Override
            public int hashCode() {
                return 31 * System.identityHashCode(metric) + System.identityHashCode(tags);
            }
        }

        /** The series of these very objects, or null when the batch has not shown it yet. */
        ExportSeries get(String metric, Object tags) {
            for (int i = 0; i < count; i++) {
                if (metrics[i] == metric && tagSets[i] == tags) {
                    return series[i];
                }
            }
            return more == null ? null : more.get(new SameObjects(metric, tags));
        }

        void put(String metric, Object tags, ExportSeries s) {
            if (count < FEW) {
                metrics[count] = metric;
                tagSets[count] = tags;
                series[count++] = s;
                return;
            }
            if (more == null) {
                more = new HashMap<>();
            }
            more.put(new SameObjects(metric, tags), s);
        }
    }

    /** The requests of each lane ({@code laneCount} lists, some perhaps empty), in the order they are to be sent. */
    static List<List<List<ExportSeries>>> lanes(List<Batch> batches, int maxSamples, int laneCount) {
        List<List<ExportSeries>> seriesByLane = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            seriesByLane.add(new ArrayList<>());
        }
        Map<SeriesId, ExportSeries> bySeries = new HashMap<>();
        for (Batch b : batches) {
            BatchSeries inBatch = new BatchSeries();
            for (Point p : b.points()) {
                ExportSeries series = inBatch.get(p.metric(), p.tags());
                if (series == null) {
                    series = bySeries.computeIfAbsent(new SeriesId(b.edgeId(), p.metric(), p.tags()), id -> {
                        ExportSeries made = ExportSeries.of(id.edge(), id.metric(), id.tags());
                        seriesByLane.get(bySeries.size() % laneCount).add(made);
                        return made;
                    });
                    inBatch.put(p.metric(), p.tags(), series);
                }
                series.add(p.timestampMs(), p.value());
            }
        }
        List<List<List<ExportSeries>>> lanes = new ArrayList<>(laneCount);
        for (List<ExportSeries> series : seriesByLane) {
            lanes.add(cut(series, maxSamples));
        }
        return lanes;
    }

    private static List<List<ExportSeries>> cut(List<ExportSeries> lane, int maxSamples) {
        List<List<ExportSeries>> requests = new ArrayList<>();
        List<ExportSeries> current = new ArrayList<>();
        int room = maxSamples;
        for (ExportSeries series : lane) {
            series.sorted();
            int from = 0;
            while (from < series.sampleCount()) {
                int to = Math.min(series.sampleCount(), from + room);
                current.add(from == 0 && to == series.sampleCount() ? series : series.slice(from, to));
                room -= to - from;
                from = to;
                if (room == 0) {
                    requests.add(current);
                    current = new ArrayList<>();
                    room = maxSamples;
                }
            }
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    static int samples(List<ExportSeries> request) {
        int n = 0;
        for (ExportSeries s : request) {
            n += s.sampleCount();
        }
        return n;
    }
}
