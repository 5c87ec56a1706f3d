package io.dualhub.central.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * An {@link EdgeLedger} as its row of the table {@code edges}, both ways: counts as numbers, sequence runs and
 * ranges in their text forms ({@link SequenceTracker#aboveAsText()}, {@link SeqRanges#asText()}), and the retired
 * incarnations' trackers in a hand-made text of their own ({@link #retiredAsText}). A text that does not read back
 * is refused, naming the edge and the column: the store would otherwise open on a ledger it cannot trust. Stateless.
 */
final class LedgerCodec {
    /** Every edge's row; the columns added within version 1 are empty in a store written before them. */
    static final String SELECT = "SELECT edge, contiguous_seq, above_seqs, batches, points, duplicates, last_stored_ms,"
            + " dropped_batches, dropped_points, dropped_ranges, lost_batches, lost_ranges, incarnation,"
            + " retired_trackers, COALESCE(invalid_batches, 0), COALESCE(invalid_ranges, '') FROM edges";
    /** One edge's row, written whole; its parameters are bound by {@link #bind}. */
    static final String SAVE = "INSERT OR REPLACE INTO edges (edge, contiguous_seq, above_seqs, batches, points,"
            + " duplicates, last_stored_ms, dropped_batches, dropped_points, dropped_ranges, lost_batches, lost_ranges,"
            + " incarnation, retired_trackers, invalid_batches, invalid_ranges, rolled_points)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private LedgerCodec() {}

    /** The ledger of the row {@code rs} is on, as {@link #SELECT} reads it. */
    static EdgeLedger read(ResultSet rs) throws SQLException {
        String edge = rs.getString(1);
        long contiguous = rs.getLong(2);
        EdgeLedger l = new EdgeLedger(
                edge, decode(edge, "above_seqs", rs.getString(3), a -> SequenceTracker.fromText(contiguous, a)));
        l.batches = rs.getLong(4);
        l.points = rs.getLong(5);
        l.duplicates = rs.getLong(6);
        l.lastStoredMs = rs.getLong(7);
        l.droppedBatches = rs.getLong(8);
        l.droppedPoints = rs.getLong(9);
        l.droppedRanges = decode(edge, "dropped_ranges", rs.getString(10), SeqRanges::fromText);
        l.lostBatches = rs.getLong(11);
        l.lostRanges = decode(edge, "lost_ranges", rs.getString(12), SeqRanges::fromText);
        l.incarnation = rs.getString(13);
        l.retired.putAll(decode(edge, "retired_trackers", rs.getString(14), LedgerCodec::retiredFromText));
        l.invalidBatches = rs.getLong(15);
        l.invalidRanges = decode(edge, "invalid_ranges", rs.getString(16), SeqRanges::fromText);
        return l;
    }

    /** Binds the ledger to {@link #SAVE}'s parameters. */
    static void bind(PreparedStatement save, EdgeLedger l) throws SQLException {
        save.setString(1, l.edge);
        save.setLong(2, l.tracker.contiguous());
        save.setString(3, l.tracker.aboveAsText());
        save.setLong(4, l.batches);
        save.setLong(5, l.points);
        save.setLong(6, l.duplicates);
        save.setLong(7, l.lastStoredMs);
        save.setLong(8, l.droppedBatches);
        save.setLong(9, l.droppedPoints);
        save.setString(10, l.droppedRanges.asText());
        save.setLong(11, l.lostBatches);
        save.setString(12, l.lostRanges.asText());
        save.setString(13, l.incarnation);
        save.setString(14, retiredAsText(l.retired));
        save.setLong(15, l.invalidBatches);
        save.setString(16, l.invalidRanges.asText());
        save.setLong(17, l.points); // rolled_points: every point this commit stored is in the rollups too
    }

    /**
     * The retired incarnations' trackers as {@code inc:contiguous:runs;...}, the runs with {@code |} for the comma of
     * {@link SequenceTracker#aboveAsText()} (incarnation ids never hold {@code :}, {@code ;} or {@code |}).
     */
    static String retiredAsText(Map<String, SequenceTracker> retired) {
        StringBuilder sb = new StringBuilder();
        retired.forEach((inc, t) -> sb.append(sb.length() == 0 ? "" : ";")
                .append(inc)
                .append(':')
                .append(t.contiguous())
                .append(':')
                .append(t.aboveAsText().replace(',', '|')));
        return sb.toString();
    }

    /** Reads {@link #retiredAsText}; refuses an entry without its three fields. */
    static Map<String, SequenceTracker> retiredFromText(String text) {
        Map<String, SequenceTracker> map = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(";")) {
                String[] f = part.split(":", -1);
                if (f.length != 3) {
                    throw new IllegalArgumentException(
                            "a retired tracker needs inc:contiguous:runs, not '" + part + "'");
                }
                map.put(f[0], SequenceTracker.fromText(Long.parseLong(f[1]), f[2].replace('|', ',')));
            }
        }
        return map;
    }

    private static <T> T decode(String edge, String column, String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "edge " + edge + ": the ledger's " + column + " '" + text + "' is corrupt: " + e.getMessage(), e);
        }
    }
}
