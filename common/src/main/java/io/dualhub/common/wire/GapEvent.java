package io.dualhub.common.wire;

/**
 * The observable notice of a declared gap, on {@code dualhub.events.<edgeId>.gap} (JSON). The authoritative
 * declaration is the {@link GapDeclaration} in the metrics stream; this event is for people and alerting.
 */
public record GapEvent(String edgeId, long fromSeq, long toSeq, long batches, long points, long declaredAtMs) {
    public static GapEvent of(GapDeclaration gap) {
        return new GapEvent(
                gap.edgeId(),
                gap.fromSeq(),
                gap.toSeq(),
                gap.toSeq() - gap.fromSeq() + 1,
                gap.points(),
                gap.declaredAtMs());
    }
}
