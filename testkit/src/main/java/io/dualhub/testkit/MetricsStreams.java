package io.dualhub.testkit;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.List;

/**
 * A fault on both metrics streams at once: they refuse new messages (full at their current count, at least one more
 * if empty, discarding new ones) while NATS itself stays up, so edges stay connected and keep heartbeating but cannot
 * forward; then they take messages again.
 */
public final class MetricsStreams {
    private static final List<String> STREAMS = List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B");

    private MetricsStreams() {}

    public static void refuseNew(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        for (String stream : STREAMS) {
            StreamConfiguration now = jsm.getStreamInfo(stream).getConfiguration();
            long count = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
            jsm.updateStream(StreamConfiguration.builder(now)
                    .maxMessages(Math.max(count, 1))
                    .discardPolicy(DiscardPolicy.New)
                    .build());
        }
    }

    /** Lifts the limit; the streams take messages again (discard policy back to the default, old). */
    public static void acceptAgain(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        for (String stream : STREAMS) {
            StreamConfiguration now = jsm.getStreamInfo(stream).getConfiguration();
            jsm.updateStream(StreamConfiguration.builder(now)
                    .maxMessages(-1)
                    .discardPolicy(DiscardPolicy.Old)
                    .build());
        }
    }
}
