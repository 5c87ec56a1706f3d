package io.dualhub.common.logging;

import org.slf4j.MDC;

/**
 * Marks the log lines written inside a try-with-resources block as being about one edge: its id goes into the
 * MDC as {@code edgeId}, which JSON logs carry as a field. A null id marks nothing.
 */
public final class AboutEdge implements AutoCloseable {
    /** The MDC key, and the JSON logs' field, of the edge a line is about. */
    public static final String EDGE_ID = "edgeId";

    private final String previous;
    private final boolean marked;

    private AboutEdge(String edgeId) {
        this.previous = MDC.get(EDGE_ID);
        this.marked = edgeId != null;
        if (marked) {
            MDC.put(EDGE_ID, edgeId);
        }
    }

    public static AboutEdge of(String edgeId) {
        return new AboutEdge(edgeId);
    }

    @Override
    public void close() {
        if (!marked) {
            return;
        }
        if (previous == null) {
            MDC.remove(EDGE_ID);
        } else {
            MDC.put(EDGE_ID, previous);
        }
    }
}
