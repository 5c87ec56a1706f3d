package io.dualhub.central.stream;

import io.dualhub.common.MetricsRoute;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;

/**
 * How far a hub's consumers on the metrics streams have read, against where the streams end: what gap repair and
 * the export's reconciliation judge a missing range by. A range the store holds counts as missing only once the
 * consumers have acknowledged everything their streams held when it was first seen; before that it is ordinary lag.
 * Every array is per route, in {@link MetricsRoute} order.
 *
 * @param pending   messages on both routes not yet acknowledged: waiting, and delivered but not acknowledged
 * @param ackFloors the stream sequence up to which every message is acknowledged; {@link Long#MAX_VALUE} when
 *                  nothing waits or awaits its acknowledgement (a stream whose last messages were deleted leaves the
 *                  floor short of its end)
 */
public record ReadPositions(long pending, long[] ackFloors) {

    /** The positions of the durable consumer {@code consumer} on both metrics streams. */
    public static ReadPositions of(JetStreamManagement jsm, String consumer) throws IOException, JetStreamApiException {
        MetricsRoute[] routes = MetricsRoute.values();
        long pending = 0;
        long[] floors = new long[routes.length];
        for (int i = 0; i < routes.length; i++) {
            ConsumerInfo info = jsm.getConsumerInfo(routes[i].stream(), consumer);
            long route = info.getNumPending() + info.getNumAckPending();
            pending += route;
            floors[i] = route == 0 ? Long.MAX_VALUE : info.getAckFloor().getStreamSequence();
        }
        return new ReadPositions(pending, floors);
    }

    /** Each metrics stream's last sequence. */
    public static long[] streamEnds(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        MetricsRoute[] routes = MetricsRoute.values();
        long[] ends = new long[routes.length];
        for (int i = 0; i < routes.length; i++) {
            ends[i] = jsm.getStreamInfo(routes[i].stream()).getStreamState().getLastSequence();
        }
        return ends;
    }

    /** True once every consumer acknowledged all its stream held when {@code streamEnds} were read. */
    public static boolean readPast(long[] ackFloors, long[] streamEnds) {
        if (ackFloors.length != streamEnds.length) {
            throw new IllegalStateException(
                    "BUG: " + ackFloors.length + " ack floors for " + streamEnds.length + " metrics streams");
        }
        for (int i = 0; i < streamEnds.length; i++) {
            if (ackFloors[i] < streamEnds[i]) {
                return false;
            }
        }
        return true;
    }
}
