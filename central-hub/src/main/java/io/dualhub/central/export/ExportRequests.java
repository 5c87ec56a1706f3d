package io.dualhub.central.export;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Cuts the points of some batches into remote-write requests of at most {@code maxSamples} samples: grouped by
 * series, each series' samples in timestamp order, a series longer than what is left of a request continued in the
 * next one (so, sent one after the other, every series reaches the receiver in timestamp order).
 */
final class ExportRequests {
    private ExportRequests() {}

    private record SeriesId(String edge, String metric, SortedMap<String, String> tags) {}

    static List<List<ExportSeries>> cut(List<Batch> batches, int maxSamples) {
        Map<SeriesId, ExportSeries> bySeries = new LinkedHashMap<>();
        for (Batch b : batches) {
            for (Point p : b.points()) {
                bySeries.computeIfAbsent(
                                new SeriesId(b.edgeId(), p.metric(), p.tags()),
                                id -> ExportSeries.of(id.edge(), id.metric(), id.tags()))
                        .add(p.timestampMs(), p.value());
            }
        }
        List<List<ExportSeries>> requests = new ArrayList<>();
        List<ExportSeries> current = new ArrayList<>();
        int room = maxSamples;
        for (ExportSeries series : bySeries.values()) {
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
