package io.dualhub.edge.ingest;

/** A request body line that is not valid line protocol; {@code line} is 1-based. */
public class LineProtocolException extends RuntimeException {
    private final int line;

    public LineProtocolException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
