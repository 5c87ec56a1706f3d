package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;
import java.util.Arrays;

/**
 * An edge's declaration that it dropped batches {@code fromSeq..toSeq} by its overflow policy, with the number of
 * points of each, so the CentralHub can count the loss exactly. It travels in sequence order with the batches, is
 * retried like them, and covers only batches that were never published.
 */
public record GapDeclaration(String edgeId, long fromSeq, long toSeq, int[] pointCounts, long declaredAtMs)
        implements EdgeMessage {
    public GapDeclaration {
        EdgeId.require(edgeId);
        if (fromSeq < 1 || toSeq < fromSeq) {
            throw new IllegalArgumentException("gap range " + fromSeq + ".." + toSeq + " is not a range of sequences >= 1");
        }
        if (pointCounts.length != toSeq - fromSeq + 1) {
            throw new IllegalArgumentException("gap " + fromSeq + ".." + toSeq + " needs " + (toSeq - fromSeq + 1)
                    + " point counts, has " + pointCounts.length);
        }
        pointCounts = pointCounts.clone();
    }

    @Override
    public long firstSeq() {
        return fromSeq;
    }

    @Override
    public long lastSeq() {
        return toSeq;
    }

    public int pointCount(long seq) {
        return pointCounts[(int) (seq - fromSeq)];
    }

    public long points() {
        return Arrays.stream(pointCounts).asLongStream().sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GapDeclaration g && g.edgeId.equals(edgeId) && g.fromSeq == fromSeq && g.toSeq == toSeq
                && Arrays.equals(g.pointCounts, pointCounts) && g.declaredAtMs == declaredAtMs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fromSeq) * 31 + edgeId.hashCode();
    }

    @Override
    public String toString() {
        return "GapDeclaration[" + edgeId + " " + fromSeq + ".." + toSeq + ", " + points() + " points]";
    }
}
