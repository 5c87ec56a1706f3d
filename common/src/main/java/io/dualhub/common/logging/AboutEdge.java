package io.dualhub.common.logging;

import org.slf4j.MDC;

/**
 * Marks the log lines written inside a try-with-resources block as being about one edge: its id goes into the
 * MDC as {@code edgeId}, which JSON logs carry as a field. A null id marks nothing.
 */
public final class AboutEdge implements AutoCloseable {
    private final String previous;
    private final boolean marked;

    private AboutEdge(String edgeId) {
        this.previous = MDC.get(JsonLogLayout.EDGE_ID);
        this.marked = edgeId != null;
        if (marked) {
            MDC.put(JsonLogLayout.EDGE_ID, edgeId);
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
            MDC.remove(JsonLogLayout.EDGE_ID);
        } else {
            MDC.put(JsonLogLayout.EDGE_ID, previous);
        }
    }
}
