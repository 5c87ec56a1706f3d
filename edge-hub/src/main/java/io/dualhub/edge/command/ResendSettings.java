package io.dualhub.edge.command;

import static io.dualhub.common.config.InvalidSetting.require;

/**
 * How much work resend requests may make this edge do: a request republishes at most {@code maxBytes} of batches
 * (the CentralHub asks again for the rest), at most {@code maxInFlightBytes} of them wait for their JetStream ack at
 * once (the heap a resend takes), and one requester gets at most {@code bytesPerMinute} a minute (a looping or
 * hostile requester cannot keep the edge republishing its retention). Built by {@link #custom()} (each value starting
 * at its default below, the default of its {@code resend.*} key) or {@link #ofDefaults()}; every bound is checked
 * here, once, naming the key.
 */
public record ResendSettings(long maxBytes, long maxInFlightBytes, long bytesPerMinute) {
    /** A gap of a few minutes at a busy edge's rate in one request; the hub asks again for more. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** A few default batches (512 KiB) at once: a resend's heap stays a small part of the edge's 64 MiB. */
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 4L << 20;
    /** Half a default buffer (1 GiB) a minute: a lost store's backlog comes back in minutes, a loop cannot flood. */
    public static final long DEFAULT_BYTES_PER_MINUTE = 512L << 20;
    /** Smaller would resend less than one batch at a time. */
    public static final long MIN_BYTES = 1024;

    public ResendSettings {
        require(maxBytes >= MIN_BYTES, "resend.max-bytes", maxBytes, atLeast());
        require(maxInFlightBytes >= MIN_BYTES, "resend.max-in-flight", maxInFlightBytes, atLeast());
        require(bytesPerMinute >= MIN_BYTES, "resend.max-bytes-per-minute", bytesPerMinute, atLeast());
    }

    private static String atLeast() {
        return "a size of at least " + MIN_BYTES + " bytes";
    }

    public static ResendSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Starts from the defaults; each setter replaces one bound. */
    public static final class Builder {
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long maxInFlightBytes = DEFAULT_MAX_IN_FLIGHT_BYTES;
        private long bytesPerMinute = DEFAULT_BYTES_PER_MINUTE;

        private Builder() {}

        public Builder maxBytes(long perRequest) {
            this.maxBytes = perRequest;
            return this;
        }

        public Builder maxInFlightBytes(long awaitingAck) {
            this.maxInFlightBytes = awaitingAck;
            return this;
        }

        public Builder bytesPerMinute(long perRequester) {
            this.bytesPerMinute = perRequester;
            return this;
        }

        public ResendSettings build() {
            return new ResendSettings(maxBytes, maxInFlightBytes, bytesPerMinute);
        }
    }
}
