package io.dualhub.common.wire;

/**
 * A CentralHub's command on {@code dualhub.cmd.<edgeId>}. Type {@code resend}: publish batches {@code fromSeq..toSeq}
 * again, because its store lacks them although the stream had acknowledged them; they belong to buffer
 * {@code incarnation}, and {@code requestId} makes the resent messages' {@code Nats-Msg-Id} new, so JetStream's
 * duplicate window does not swallow them. Type {@code reconnect}: drop and re-establish the NATS connection (a
 * drain that stalled).
 */
public record ResendRequest(String type, String incarnation, long fromSeq, long toSeq, String requestId) {
    public static final String TYPE = "resend";
    public static final String RECONNECT = "reconnect";

    public static ResendRequest of(String incarnation, long fromSeq, long toSeq, String requestId) {
        return new ResendRequest(TYPE, incarnation, fromSeq, toSeq, requestId);
    }

    public static ResendRequest reconnect(String requestId) {
        return new ResendRequest(RECONNECT, null, 0, 0, requestId);
    }
}
