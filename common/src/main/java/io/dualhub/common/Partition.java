package io.dualhub.common;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One CentralHub group's share of the edges, when a site splits them over {@code count} groups. The NATS servers
 * map each edge's metrics subject {@code <prefix><edge>} to {@code <prefix><k>.<edge>} with their subject mapping
 * function {@code {{partition(count,1)}}}, which writes the FNV-1a 32-bit hash of the edge id, modulo
 * {@code count}; {@link #of} computes the same number, so a hub knows which edges are its group's without asking the
 * servers. {@link #WHOLE} (one group) is a site without the mapping: its hubs read the edges' own subjects and
 * name everything as before partitions. Immutable.
 */
public record Partition(int count, int index) {
    /** The most groups a site may have: each is an HA pair reading its own share of both streams. */
    public static final int MAX_COUNT = 1000;

    public static final Partition WHOLE = new Partition(1, 0);

    private static final int FNV_OFFSET_BASIS = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    public Partition {
        if (!isCount(count) || index < 0 || index >= count) {
            throw new IllegalArgumentException("partition " + index + " of " + count + ": needs 1 to " + MAX_COUNT
                    + " partitions, numbered from 0");
        }
    }

    /** The partition nats-server's {@code {{partition(count,1)}}} maps the edge's subjects to. */
    public static int of(String edgeId, int count) {
        int hash = FNV_OFFSET_BASIS;
        for (byte b : edgeId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return (int) (Integer.toUnsignedLong(hash) % count);
    }

    /** True when a site may split its edges over {@code count} groups: 1 to {@link #MAX_COUNT}. */
    public static boolean isCount(int count) {
        return count >= 1 && count <= MAX_COUNT;
    }

    /**
     * The NATS servers' subject mapping that splits the edges over {@code count} groups, source to destination, for
     * both routes.
     */
    public static Map<String, String> serverMappings(int count) {
        if (!isCount(count)) {
            throw new IllegalArgumentException("a mapping over " + count + " groups: needs 1 to " + MAX_COUNT);
        }
        Map<String, String> mappings = new LinkedHashMap<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            mappings.put(route.unmappedWildcard(), route.mappedTo(count));
        }
        return mappings;
    }

    /**
     * {@link #serverMappings} as the {@code mappings} block of a server's (or an account's) configuration, each line
     * starting with {@code indent}.
     */
    public static String serverMappingsConf(int count, String indent) {
        StringBuilder block = new StringBuilder(indent + "mappings {\n");
        serverMappings(count).forEach((from, to) -> block.append(indent + "  \"" + from + "\": \"" + to + "\"\n"));
        return block.append(indent + "}\n").toString();
    }

    /** True when this group reads the edge's batches. */
    public boolean owns(String edgeId) {
        return count == 1 || of(edgeId, count) == index;
    }

    /** This group's subjects on the route: every edge's without partitions, else the mapped ones of its partition. */
    public String subjects(MetricsRoute route) {
        return count == 1 ? route.wildcard() : route.partitionWildcard(index);
    }

    /**
     * A name that one group's hubs share and another group's must not (a lease key, a durable consumer): the name
     * itself without partitions, else {@code <name>-p<index>}.
     */
    public String qualify(String name) {
        return count == 1 ? name : name + "-p" + index;
    }
}
