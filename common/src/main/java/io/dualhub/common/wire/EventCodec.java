package io.dualhub.common.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON form of the events (heartbeats, and later lifecycle and gap events): small, rare, readable with {@code nats
 * sub}.
 */
public final class EventCodec {
    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private EventCodec() {}

    public static byte[] encode(Object event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new WireFormatException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(byte[] data, Class<T> type) {
        try {
            T event = JSON.readValue(data, type);
            if (event == null) {
                throw new WireFormatException("invalid " + type.getSimpleName() + ": null");
            }
            return event;
        } catch (IOException | IllegalArgumentException e) {
            throw new WireFormatException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
