package io.dualhub.central.export;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.PointLimits;
import io.dualhub.common.wire.WireFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Cuts the points of some batches into remote-write requests of at most {@code maxSamples} samples, in lanes that may
 * be sent at the same time: grouped by series, each series in one lane (those with samples dealt round in the order
 * the series first appear), its samples in timestamp order, a series longer than what is left of a request continued
 * in the lane's next one. So a lane's requests sent one after the other bring every series of the lane to the
 * receiver in timestamp order, whatever the other lanes do: Prometheus' shards, parallel only across series.
 *
 * <p>The batches are read straight from their wire bytes into the series' sample arrays ({@link BatchCodec#read}),
 * with no object per point: this runs on the exporter's one thread for every sample exported. A batch the hubs do not
 * store (a point breaks the {@link PointLimits}, or its bytes are not a batch) adds nothing.
 */
final class ExportRequests {
    private ExportRequests() {}

    /** A batch to export: the edge it is of (its subject's, which its header names too) and its wire bytes. */
    record ExportBatch(String edge, byte[] data) {}

    /** The requests of each lane ({@code laneCount} lists, some perhaps empty), in the order they are to be sent. */
    static List<List<List<ExportSeries>>> lanes(List<ExportBatch> batches, int maxSamples, int laneCount) {
        UnitSeries unit = new UnitSeries();
        for (ExportBatch b : batches) {
            unit.add(b);
        }
        List<List<ExportSeries>> seriesByLane = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            seriesByLane.add(new ArrayList<>());
        }
        int dealt = 0;
        for (ExportSeries series : unit.inOrder) {
            if (series.sampleCount() > 0) { // not when only batches that are not stored brought it
                seriesByLane.get(dealt++ % laneCount).add(series);
            }
        }
        List<List<List<ExportSeries>>> lanes = new ArrayList<>(laneCount);
        for (List<ExportSeries> series : seriesByLane) {
            lanes.add(cut(series, maxSamples));
        }
        return lanes;
    }

    private record SeriesId(String edge, String metric, SortedMap<String, String> tags) {}

    /**
     * The series of a unit, filled batch by batch. A batch's samples are added as it is read; if it turns out not to
     * be stored (a bound broken by a later point, or bytes that end as no batch), each series it touched is cut back
     * to the samples it had before.
     */
    private static final class UnitSeries implements BatchCodec.PointSink {
        private final List<ExportSeries> inOrder = new ArrayList<>(); // as first met
        private final Map<SeriesId, ExportSeries> bySeries = new HashMap<>();
        private final List<ExportSeries> batchSeries = new ArrayList<>(); // the batch being read's, by its index
        private final List<Integer> countsBefore = new ArrayList<>(); // of each of those, before the batch
        private String edge;
        private boolean refused;

        void add(ExportBatch b) {
            edge = b.edge();
            refused = false;
            batchSeries.clear();
            countsBefore.clear();
            try {
                BatchCodec.read(b.data(), this);
            } catch (WireFormatException e) {
                refused = true; // the Ingestor refuses and accounts it
            }
            if (refused) {
                for (int i = batchSeries.size() - 1; i >= 0; i--) { // the earliest count last: a series met twice
                    batchSeries.get(i).truncate(countsBefore.get(i));
                }
            }
        }

        @Override
        public void series(int index, String metric, SortedMap<String, String> tags) {
            // the metric name was checked by the reader, which refuses what PointLimits refuses of it
            if (refused || PointLimits.tagsViolation(tags) != null) {
                refused = true;
                return;
            }
            ExportSeries series = bySeries.computeIfAbsent(new SeriesId(edge, metric, tags), id -> {
                ExportSeries made = ExportSeries.of(id.edge(), id.metric(), id.tags());
                inOrder.add(made);
                return made;
            });
            batchSeries.add(series); // indexes come in order: index == batchSeries.size()
            countsBefore.add(series.sampleCount());
        }

        @Override
        public void point(int index, long timestampMs, double value) {
            if (refused
                    || PointLimits.timestampViolation(timestampMs) != null
                    || PointLimits.valueViolation(value) != null) {
                refused = true;
                return;
            }
            batchSeries.get(index).add(timestampMs, value);
        }
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
