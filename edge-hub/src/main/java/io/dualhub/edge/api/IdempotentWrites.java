package io.dualhub.edge.api;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.buffer.BufferFullException;
import io.dualhub.edge.buffer.PointTooLargeException;
import io.dualhub.edge.ingest.SeriesHighWater;
import io.dualhub.edge.ingest.SeriesLimitException;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the points of senders that send each series in time order and send a request again when it got no answer
 * (Prometheus remote write, OTLP exporters), so that a retry is taken once: points at or before their series' newest
 * appended timestamp are left out ({@link SeriesHighWater}, seeded at start from the batches of
 * {@code ingest.remote-write-window} before the newest, so a request appended just before a kill -9 and sent again
 * after the restart is not stored twice). Made when an in-order sender first writes, so an edge without one never
 * reads its buffer back for it.
 */
@Singleton
public class IdempotentWrites {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotentWrites.class);

    /** The most points read back at start: about a second or two of decoding. */
    static final long SEED_POINTS = 2_000_000;

    private final EdgeAgent agent;
    private final Clock clock;
    private final SeriesHighWater newest;

    /** The outcome of an append, and how many of the points were new (the rest were a retry's). */
    record Appended(WriteOutcome outcome, int fresh) {}

    public IdempotentWrites(EdgeAgent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
        this.newest = new SeriesHighWater(agent.config().remoteWriteWindow().toMillis());
        seed();
    }

    /**
     * Each series' newest timestamp in the batches of the window before the newest batch, newest first, reading at
     * most {@link #SEED_POINTS} points: at a high rate the window's older part is not read (said in the log), and a
     * retry of what was appended there would be taken again.
     */
    private void seed() {
        long window = agent.config().remoteWriteWindow().toMillis();
        AtomicLong since = new AtomicLong(Long.MIN_VALUE);
        AtomicLong batches = new AtomicLong();
        AtomicLong points = new AtomicLong();
        long now = clock.millis();
        agent.buffer().readNewestFirst(b -> {
            var batch = BatchCodec.decode(b.payload());
            if (since.get() == Long.MIN_VALUE) {
                since.set(batch.createdAtMs() - window);
            }
            if (batch.createdAtMs() < since.get() || points.get() >= SEED_POINTS) {
                return false;
            }
            newest.advance(batch.points(), now);
            batches.incrementAndGet();
            points.addAndGet(batch.points().size());
            return true;
        });
        LOG.info(
                "in-order senders: newest timestamps of {} series read from the last {} batches ({} points{})",
                newest.size(),
                batches,
                points,
                points.get() >= SEED_POINTS ? ", the most read: older batches of the window were not" : "");
    }

    /** Appends the points not appended before; nothing is remembered of a refused append. */
    Appended append(List<Point> points) {
        synchronized (newest) {
            List<Point> fresh = newest.fresh(points);
            try {
                agent.accept(fresh);
            } catch (SeriesLimitException | PointTooLargeException e) {
                return new Appended(WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null), 0);
            } catch (BufferFullException e) {
                return new Appended(WriteOutcome.retryLater(e.getMessage(), LineWrites.RETRY_AFTER_SECONDS), 0);
            }
            newest.advance(fresh, clock.millis());
            return new Appended(WriteOutcome.STORED, fresh.size());
        }
    }
}
