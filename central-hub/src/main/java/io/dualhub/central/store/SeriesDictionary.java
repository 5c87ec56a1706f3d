package io.dualhub.central.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.SameObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The series dictionary: every stored series' id, kept in memory beside the table {@code series}. The committing
 * thread adds series (ids from the stored maximum up, so an id on disk is never given again) and owns the count per
 * edge that bounds them ({@code store.max-series-per-edge}); readers look series up from any thread in the
 * concurrent maps, which a {@link #load} replaces whole. A series added by a commit that then fails stays in memory
 * only until the store reads the dictionary back from the file.
 */
final class SeriesDictionary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> TAGS = new TypeReference<>() {};

    private final long maxPerEdge;
    private volatile Map<SeriesKey, Integer> ids = new ConcurrentHashMap<>();
    private volatile Map<Integer, SeriesKey> byId = new ConcurrentHashMap<>();
    // Owned by the committing thread: how many series of the dictionary belong to each edge, and the next id.
    private Map<String, Integer> perEdge = new HashMap<>();
    private int nextId = 1;

    SeriesDictionary(long maxPerEdge) {
        this.maxPerEdge = maxPerEdge;
    }

    /** Reads the dictionary back from the file, replacing what is in memory. */
    void load(Connection writer) throws SQLException {
        Map<SeriesKey, Integer> readIds = new ConcurrentHashMap<>();
        Map<Integer, SeriesKey> readById = new ConcurrentHashMap<>();
        Map<String, Integer> readPerEdge = new HashMap<>();
        int maxId = 0;
        try (Statement st = writer.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, edge, metric, tags FROM series")) {
            while (rs.next()) {
                SeriesKey key = new SeriesKey(rs.getString(2), rs.getString(3), parseTags(rs.getString(4)));
                readIds.put(key, rs.getInt(1));
                readById.put(rs.getInt(1), key);
                readPerEdge.merge(key.edge(), 1, Integer::sum);
                maxId = Math.max(maxId, rs.getInt(1));
            }
        }
        ids = readIds;
        byId = readById;
        perEdge = readPerEdge;
        nextId = maxId + 1; // from the stored maximum: ids already on disk are never given again
    }

    int size() {
        return ids.size();
    }

    /**
     * The series of one batch, to be stored: each new one gets its id and goes into {@code added} (to be inserted in
     * the same transaction). Null when the batch's new series would bring its edge past {@code
     * store.max-series-per-edge}: the batch is refused whole.
     */
    BatchSeries seriesOf(Batch b, List<SeriesKey> added) {
        SameObjects<Integer> known = new SameObjects<>(); // the batch's series already in the dictionary
        int edgeSeries = perEdge.getOrDefault(b.edgeId(), 0);
        if (edgeSeries + (long) b.points().size() <= maxPerEdge) {
            // even a point per new series stays inside the bound: filled as the points are stored
            return new BatchSeries(b.edgeId(), known, added);
        }
        Set<SeriesKey> unknown = new HashSet<>();
        for (Point p : b.points()) {
            if (known.get(p.metric(), p.tags()) == null) {
                SeriesKey key = new SeriesKey(b.edgeId(), p.metric(), p.tags());
                Integer id = ids.get(key);
                if (id == null) {
                    unknown.add(key);
                } else {
                    known.put(p.metric(), p.tags(), id);
                }
            }
        }
        return edgeSeries + (long) unknown.size() <= maxPerEdge ? new BatchSeries(b.edgeId(), known, added) : null;
    }

    /**
     * One batch's series ids. A decoded batch shares its metric strings and tag maps between points of one series
     * (BatchCodec), so within it a series is found by identity after its first point, not by hashing and comparing
     * its tags. Owned by the committing thread for one batch.
     */
    final class BatchSeries {
        private final String edge;
        private final SameObjects<Integer> known;
        private final List<SeriesKey> added;

        private BatchSeries(String edge, SameObjects<Integer> known, List<SeriesKey> added) {
            this.edge = edge;
            this.known = known;
            this.added = added;
        }

        int id(Point p) {
            Integer id = known.get(p.metric(), p.tags());
            if (id == null) {
                id = idFor(edge, p, added);
                known.put(p.metric(), p.tags(), id);
            }
            return id;
        }
    }

    private int idFor(String edge, Point p, List<SeriesKey> added) {
        SeriesKey key = new SeriesKey(edge, p.metric(), p.tags());
        Integer id = ids.get(key);
        if (id == null) {
            id = nextId++;
            SeriesKey taken = byId.putIfAbsent(id, key);
            if (taken != null) {
                throw new IllegalStateException("BUG: series id " + id + " given to " + key + " is " + taken + "'s");
            }
            ids.put(key, id);
            perEdge.merge(edge, 1, Integer::sum);
            added.add(key);
        }
        return id;
    }

    /** Inserts the series a commit added, inside its transaction. */
    void insert(Connection writer, List<SeriesKey> added) throws SQLException {
        if (added.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = writer.prepareStatement("INSERT INTO series VALUES (?, ?, ?, ?)")) {
            for (SeriesKey k : added) {
                ps.setInt(1, ids.get(k));
                ps.setString(2, k.edge());
                ps.setString(3, k.metric());
                ps.setString(4, tagsJson(k.tags()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The series a query asks for, in id order. */
    TreeMap<Integer, SeriesKey> matching(SeriesQuery q) {
        TreeMap<Integer, SeriesKey> matching = new TreeMap<>();
        byId.forEach((id, key) -> {
            if (q.matches(key)) {
                matching.put(id, key);
            }
        });
        return matching;
    }

    /** The dictionary's names and tags (a live view: series stored later show in later answers). */
    SeriesCatalogue catalogue() {
        return new SeriesCatalogue(Collections.unmodifiableCollection(byId.values()));
    }

    private static String tagsJson(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TreeMap<String, String> parseTags(String json) {
        try {
            return JSON.readValue(json, TAGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
