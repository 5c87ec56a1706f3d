package io.dualhub.common;

/**
 * The two streams an edge can publish its batches to. Both are replicated the same way, with their Raft leaders
 * kept on different nodes, so when one stream's leader dies the edge sends to the other at once instead of waiting
 * for a leader election (4–9 s in nats-server 2.9). Each batch keeps its sequence wherever it lands; the CentralHub
 * consumes both and stores each sequence once.
 */
public enum MetricsRoute {
    PRIMARY("DUALHUB_METRICS", "dualhub.metrics."),
    SECONDARY("DUALHUB_METRICS_B", "dualhub.metrics-b.");

    private final String stream;
    private final String prefix;

    MetricsRoute(String stream, String prefix) {
        this.stream = stream;
        this.prefix = prefix;
    }

    public String stream() {
        return stream;
    }

    /** The subject an edge publishes to on this route. */
    public String subject(String edgeId) {
        return prefix + EdgeId.require(edgeId);
    }

    /** All edges' subjects of this route: the stream's subject filter. */
    public String wildcard() {
        return prefix + ">";
    }

    /**
     * One partition's subjects of this route, {@code <prefix><k>.*}: where the servers' subject mapping puts the
     * batches of the edges in partition {@code k} (see {@link Partition}).
     */
    public String partitionWildcard(int k) {
        return prefix + k + ".*";
    }

    /** The subject the servers' subject mapping stores the edge's batches of this route under in partition k. */
    public String partitionSubject(int k, String edgeId) {
        return prefix + k + "." + EdgeId.require(edgeId);
    }

    /** Where the servers' mapping over {@code count} groups sends {@link #unmappedWildcard}: a subject template. */
    public String mappedTo(int count) {
        return prefix + "{{partition(" + count + ",1)}}.{{wildcard(1)}}";
    }

    /** The edges' own subjects of this route, {@code <prefix>*}: where batches land that no mapping partitioned. */
    public String unmappedWildcard() {
        return prefix + "*";
    }

    /**
     * The edge a metrics subject of either route belongs to, or null when it is not one: {@code <prefix><edge>} as an
     * edge publishes it, or {@code <prefix><k>.<edge>} as a server mapping it to partition {@code k} stores it.
     */
    public static String edgeOf(String subject) {
        for (MetricsRoute route : values()) {
            if (subject.startsWith(route.prefix)) {
                String rest = subject.substring(route.prefix.length());
                int dot = rest.indexOf('.');
                String edge = dot > 0 && isNumber(rest.substring(0, dot)) ? rest.substring(dot + 1) : rest;
                return EdgeId.isValid(edge) ? edge : null;
            }
        }
        return null;
    }

    private static boolean isNumber(String token) {
        return token.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    public MetricsRoute other() {
        return this == PRIMARY ? SECONDARY : PRIMARY;
    }
}
