package io.dualhub.central.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every edge's {@link EdgeLedger} as committed, and their published snapshot. The ledgers are owned by the committing
 * thread: a commit works on copies ({@link #working}) that replace them only after the transaction that saved them
 * committed ({@link #committed}), so a failed commit leaves them as before. Any thread reads the snapshot. A committed
 * tracker never goes backwards: a sequence once stored or declared stays so, which is what makes a redelivery a
 * duplicate; a commit that would move one back is a bug and fails loudly, before it is saved.
 */
final class EdgeLedgers {
    private final Map<String, EdgeLedger> committed = new HashMap<>();
    private volatile Map<String, EdgeStoreState> snapshot = Map.of();

    /** Reads every edge's ledger back from the file, replacing what is in memory, and publishes them. */
    void load(Connection writer) throws SQLException {
        Map<String, EdgeLedger> read = new HashMap<>();
        try (Statement st = writer.createStatement();
                ResultSet rs = st.executeQuery(LedgerCodec.SELECT)) {
            while (rs.next()) {
                EdgeLedger l = LedgerCodec.read(rs);
                read.put(l.edge, l);
            }
        }
        committed.clear();
        committed.putAll(read);
        publish();
    }

    /** A copy of the edge's ledger to change inside a transaction; it replaces the original only after commit. */
    EdgeLedger working(String edge) {
        EdgeLedger current = committed.get(edge);
        return current == null ? EdgeLedger.empty(edge) : current.copy();
    }

    /**
     * Writes the changed ledgers into the caller's transaction, with the points they account for; refuses, as a bug,
     * a ledger with a negative count or whose tracker went back.
     */
    void save(PreparedStatement save, Iterable<EdgeLedger> ledgers) throws SQLException {
        save.clearBatch(); // nothing left over from a commit that failed half way
        for (EdgeLedger l : ledgers) {
            l.checkCounts();
            checkForward(l);
            LedgerCodec.bind(save, l);
            save.addBatch();
        }
        save.executeBatch();
    }

    private void checkForward(EdgeLedger l) {
        EdgeLedger before = committed.get(l.edge);
        if (before != null
                && before.incarnation.equals(l.incarnation)
                && l.tracker.contiguous() < before.tracker.contiguous()) {
            throw new IllegalStateException("BUG: edge " + l.edge + "'s tracker would go back from "
                    + before.tracker.contiguous() + " to " + l.tracker.contiguous());
        }
    }

    /** The transaction that saved {@code ledgers} committed: they replace the ones they were copied from. */
    void committed(Iterable<EdgeLedger> ledgers) {
        ledgers.forEach(l -> committed.put(l.edge, l));
        publish();
    }

    int size() {
        return committed.size();
    }

    private void publish() {
        Map<String, EdgeStoreState> s = new TreeMap<>();
        committed.values().forEach(l -> s.put(l.edge, l.state()));
        snapshot = Map.copyOf(s);
    }

    /** Per-edge state as of the last commit. */
    Map<String, EdgeStoreState> snapshot() {
        return snapshot;
    }
}
