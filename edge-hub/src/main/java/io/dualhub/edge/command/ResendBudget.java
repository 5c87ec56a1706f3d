package io.dualhub.edge.command;

import java.util.HashMap;
import java.util.Map;

/**
 * Each requester's resend budget: a token bucket of {@code bytesPerMinute}, full at first and refilled continuously.
 * A requester is the connection a request came from (its reply inbox without the last token). At most
 * {@link #MAX_REQUESTERS} are told apart; requesters beyond them share one bucket, so new inboxes never buy a fresh
 * budget. Owned by the command handler's dispatcher thread.
 */
final class ResendBudget {
    static final int MAX_REQUESTERS = 16;
    static final String OTHERS = "(others)";
    private final long bytesPerMinute;
    private final Map<String, Bucket> buckets = new HashMap<>();

    ResendBudget(long bytesPerMinute) {
        this.bytesPerMinute = bytesPerMinute;
    }

    /** The requester's bucket, refilled up to now. */
    Bucket of(String requester, long nowMs) {
        Bucket bucket = buckets.get(requester);
        if (bucket == null) {
            buckets.values().removeIf(b -> b.refill(nowMs) >= bytesPerMinute); // a full bucket remembers nothing
            bucket = buckets.computeIfAbsent(buckets.size() < MAX_REQUESTERS ? requester : OTHERS, k -> new Bucket());
        }
        bucket.refill(nowMs);
        return bucket;
    }

    /** One requester's bytes available; may go below zero by the last batch a resend was let through with. */
    final class Bucket {
        private long bytes = bytesPerMinute;
        private long asOfMs = Long.MIN_VALUE;

        private long refill(long nowMs) {
            if (asOfMs != Long.MIN_VALUE && nowMs > asOfMs) {
                bytes = Math.min(bytesPerMinute, bytes + (long) ((double) (nowMs - asOfMs) * bytesPerMinute / 60_000));
            }
            asOfMs = Math.max(asOfMs, nowMs);
            return bytes;
        }

        long available() {
            return bytes;
        }

        void spend(long spent) {
            bytes -= spent;
        }

        /** Milliseconds until the bucket holds {@code wanted} bytes again. */
        long waitMs(long wanted) {
            long missing = Math.min(wanted, bytesPerMinute) - bytes;
            return missing <= 0 ? 0 : (missing * 60_000 + bytesPerMinute - 1) / bytesPerMinute;
        }
    }
}
