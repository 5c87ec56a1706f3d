package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;
import java.util.Arrays;

/**
 * An edge's declaration that batches {@code fromSeq..toSeq} will never arrive: dropped by its overflow policy (with the
 * number of points of each, so the loss is counted exactly), or asked for again by the CentralHub after they had
 * already expired from the edge's retention (point counts unknown, -1). It travels in the metrics stream like a
 * batch, so every CentralHub instance accounts it, and is retried like one, so it is never lost.
 */
public record GapDeclaration(
        String edgeId,
        String incarnation,
        long fromSeq,
        long toSeq,
        Reason reason,
        int[] pointCounts,
        long declaredAtMs)
        implements EdgeMessage {

    /** Why the batches will never arrive. */
    public enum Reason {
        /** Dropped by the edge's overflow policy before they were ever sent. */
        OVERFLOW,
        /** Requested again by the CentralHub, but already deleted from the edge's retention. */
        EXPIRED,
        /**
         * Larger than the NATS server accepts in one message (its {@code max_payload}, smaller than the batch cut
         * when it was buffered): declared instead of retried forever, counted like a drop.
         */
        TOO_LARGE,
        /**
         * Refused by the CentralHub: the batch arrived but broke the wire schema or the {@link PointLimits}. The hub
         * declares it itself, so the sequence is accounted (and visible per edge) instead of a hole asked for forever.
         */
        INVALID
    }

    /** The hub's own declaration that batch {@code seq} of the edge arrived invalid (see {@link Reason#INVALID}). */
    public static GapDeclaration invalid(String edgeId, String incarnation, long seq, int points, long nowMs) {
        return new GapDeclaration(edgeId, incarnation, seq, seq, Reason.INVALID, new int[] {points}, nowMs);
    }

    /**
     * The edge's declaration that batches {@code fromSeq..toSeq} are gone from it (expired from its retention, or lost
     * with a torn buffer), point counts unknown.
     */
    public static GapDeclaration lost(String edgeId, String incarnation, long fromSeq, long toSeq, long nowMs) {
        int[] unknown = new int[(int) (toSeq - fromSeq + 1)];
        Arrays.fill(unknown, -1);
        return new GapDeclaration(edgeId, incarnation, fromSeq, toSeq, Reason.EXPIRED, unknown, nowMs);
    }

    public GapDeclaration {
        EdgeId.require(edgeId);
        Incarnations.require(incarnation);
        if (fromSeq < 1 || toSeq < fromSeq) {
            throw new IllegalArgumentException(
                    "gap range " + fromSeq + ".." + toSeq + " is not a range of sequences >= 1");
        }
        if (pointCounts.length != toSeq - fromSeq + 1) {
            throw new IllegalArgumentException("gap " + fromSeq + ".." + toSeq + " needs " + (toSeq - fromSeq + 1)
                    + " point counts, has " + pointCounts.length);
        }
        pointCounts = pointCounts.clone();
    }

    public int pointCount(long seq) {
        return pointCounts[(int) (seq - fromSeq)];
    }

    /** Points of the covered batches, as far as known (expired batches count 0). */
    public long points() {
        return Arrays.stream(pointCounts).filter(c -> c > 0).asLongStream().sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GapDeclaration g
                && g.edgeId.equals(edgeId)
                && g.incarnation.equals(incarnation)
                && g.fromSeq == fromSeq
                && g.toSeq == toSeq
                && g.reason == reason
                && Arrays.equals(g.pointCounts, pointCounts)
                && g.declaredAtMs == declaredAtMs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(fromSeq) * 31 + edgeId.hashCode();
    }

    @Override
    public String toString() {
        return "GapDeclaration[" + edgeId + " " + fromSeq + ".." + toSeq + " " + reason + ", " + points() + " points]";
    }
}
