package io.dualhub.edge.api;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.buffer.BufferFullException;
import io.dualhub.edge.buffer.PointTooLargeException;
import io.dualhub.edge.ingest.RemoteWriteDecoder;
import io.dualhub.edge.ingest.RemoteWriteException;
import io.dualhub.edge.ingest.RemoteWriteTooLargeException;
import io.dualhub.edge.ingest.SeriesHighWater;
import io.dualhub.edge.ingest.SeriesLimitException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus remote write 1.0 into the edge buffer ({@code POST /api/v1/write} with {@code Content-Type:
 * application/x-protobuf}): 204 once every new sample is durably appended. A sender's retry is taken once: samples
 * at or before their series' newest appended timestamp are left out ({@link SeriesHighWater}, seeded at start from
 * the batches of {@code ingest.remote-write-window} before the newest, so a request appended just before a kill -9
 * and sent again is not stored twice).
 */
@Singleton
public class RemoteWrites {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteWrites.class);

    private final EdgeAgent agent;
    private final Clock clock;
    private final SeriesHighWater newest;
    private final MeterRegistry meters;

    public RemoteWrites(EdgeAgent agent, Clock clock, MeterRegistry meters) {
        this.agent = agent;
        this.clock = clock;
        this.meters = meters;
        this.newest = new SeriesHighWater(agent.config().remoteWriteWindow().toMillis());
        seed();
    }

    /** Each series' newest timestamp in the batches of the window before the newest batch. */
    private void seed() {
        long window = agent.config().remoteWriteWindow().toMillis();
        AtomicLong since = new AtomicLong(Long.MIN_VALUE);
        AtomicLong batches = new AtomicLong();
        long now = clock.millis();
        agent.buffer().readNewestFirst(b -> {
            var batch = BatchCodec.decode(b.payload());
            if (since.get() == Long.MIN_VALUE) {
                since.set(batch.createdAtMs() - window);
            }
            if (batch.createdAtMs() < since.get()) {
                return false;
            }
            newest.advance(batch.points(), now);
            batches.incrementAndGet();
            return true;
        });
        LOG.info("remote write: newest timestamps of {} series taken from the last {} batches", newest.size(), batches);
    }

    WriteOutcome write(byte[] body) {
        RemoteWriteDecoder.Decoded decoded;
        try {
            decoded = new RemoteWriteDecoder(
                            agent.config().maxBodyBytes(), agent.config().maxPoints())
                    .decode(body == null ? new byte[0] : body);
        } catch (RemoteWriteTooLargeException e) {
            return WriteOutcome.refused(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage(), null);
        } catch (RemoteWriteException e) {
            return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        }
        List<Point> fresh;
        synchronized (newest) {
            fresh = newest.fresh(decoded.points());
            try {
                agent.accept(fresh);
            } catch (SeriesLimitException | PointTooLargeException e) {
                return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null);
            } catch (BufferFullException e) {
                return WriteOutcome.retryLater(e.getMessage(), LineWrites.RETRY_AFTER_SECONDS);
            }
            newest.advance(fresh, clock.millis());
        }
        count("accepted", fresh.size());
        count("duplicate", decoded.points().size() - fresh.size());
        count("stale-marker", decoded.staleMarkers());
        count("not-finite", decoded.notFinite());
        count("native-histogram", decoded.histograms());
        return WriteOutcome.STORED;
    }

    private void count(String outcome, int n) {
        if (n > 0) {
            Counter.builder("dualhub.edge.remote.write.samples")
                    .description("Remote-write samples by outcome: accepted, duplicate (a retry, left out),"
                            + " stale-marker, not-finite, native-histogram (not kept)")
                    .tag("outcome", outcome)
                    .register(meters)
                    .increment(n);
        }
    }
}
