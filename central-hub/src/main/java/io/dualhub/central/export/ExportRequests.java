package io.dualhub.central.export;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.SameObjects;
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

    /** The requests of each lane ({@code laneCount} lists, some perhaps empty), in the order they are to be sent. */
    static List<List<List<ExportSeries>>> lanes(List<Batch> batches, int maxSamples, int laneCount) {
        List<List<ExportSeries>> seriesByLane = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            seriesByLane.add(new ArrayList<>());
        }
        Map<SeriesId, ExportSeries> bySeries = new HashMap<>();
        for (Batch b : batches) {
            // a batch's points of a series share its objects: found by them, and by value once per batch
            SameObjects<ExportSeries> inBatch = new SameObjects<>();
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
