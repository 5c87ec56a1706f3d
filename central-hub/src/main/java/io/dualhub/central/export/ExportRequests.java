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
     * A series as one batch's points carry it: a decoded batch shares one metric string and one tag map among the
     * points of a series (BatchCodec), so within a batch the series is found by identity, without comparing its
     * tags; another batch's points of it are matched by {@link SeriesId}, once per batch.
     */
    private record SameObjects(String metric, SortedMap<String, String> tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SameObjects s && s.metric == metric && s.tags == tags;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(metric) + System.identityHashCode(tags);
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
            Map<SameObjects, ExportSeries> inBatch = new HashMap<>();
            for (Point p : b.points()) {
                inBatch.computeIfAbsent(
                                new SameObjects(p.metric(), p.tags()),
                                k -> bySeries.computeIfAbsent(new SeriesId(b.edgeId(), p.metric(), p.tags()), id -> {
                                    ExportSeries series = ExportSeries.of(id.edge(), id.metric(), id.tags());
                                    seriesByLane
                                            .get(bySeries.size() % laneCount)
                                            .add(series);
                                    return series;
                                }))
                        .add(p.timestampMs(), p.value());
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
