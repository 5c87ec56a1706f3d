package io.dualhub.edge.command;

/**
 * How much work resend requests may make this edge do: a request republishes at most {@code maxBytes} of batches
 * (the CentralHub asks again for the rest), at most {@code maxInFlightBytes} of them wait for their JetStream ack at
 * once (the heap a resend takes), and one requester gets at most {@code bytesPerMinute} a minute (a looping or
 * hostile requester cannot keep the edge republishing its retention).
 */
public record ResendSettings(long maxBytes, long maxInFlightBytes, long bytesPerMinute) {
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 4L << 20;
    public static final long DEFAULT_BYTES_PER_MINUTE = 512L << 20;

    public ResendSettings {
        if (maxBytes < 1 || maxInFlightBytes < 1 || bytesPerMinute < 1) {
            throw new IllegalArgumentException(
                    "resend bounds must be positive: " + maxBytes + ", " + maxInFlightBytes + ", " + bytesPerMinute);
        }
    }

    public static ResendSettings ofDefaults() {
        return new ResendSettings(DEFAULT_MAX_BYTES, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_BYTES_PER_MINUTE);
    }
}
