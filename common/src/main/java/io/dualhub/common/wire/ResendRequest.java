package io.dualhub.common.wire;

/**
 * The CentralHub's request on {@code dualhub.cmd.<edgeId>} to publish batches {@code fromSeq..toSeq} again, because
 * its store lacks them although the stream had acknowledged them; they belong to buffer {@code incarnation}. {@code requestId} makes the resent messages'
 * {@code Nats-Msg-Id} new, so JetStream's duplicate window does not swallow them.
 */
public record ResendRequest(String type, String incarnation, long fromSeq, long toSeq, String requestId) {
    public static final String TYPE = "resend";

    public static ResendRequest of(String incarnation, long fromSeq, long toSeq, String requestId) {
        return new ResendRequest(TYPE, incarnation, fromSeq, toSeq, requestId);
    }
}
