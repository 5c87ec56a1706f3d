package io.dualhub.edge.ingest;

/** A request that carries more points than {@code http.max-points}: refused whole (413), nothing stored. */
public final class TooManyPointsException extends LineProtocolException {
    public TooManyPointsException(int line, int maxPoints) {
        super(
                line,
                "the request carries more than " + maxPoints + " points (http.max-points): split it into"
                        + " smaller requests; nothing was stored");
    }
}
