package io.dualhub.common.wire;

/**
 * The edge's answer to a {@link ResendRequest}: how many batches it published again and acknowledged, which range
 * (if any) had already expired from its retention and was declared lost instead, or why it could not act.
 */
public record ResendResult(long resent, long expiredFrom, long expiredTo, String error) {
    public static ResendResult failed(String error) {
        return new ResendResult(0, 0, 0, error);
    }
}
