package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.MetricsRoute;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What a replay brings when its bulk reader, an ordered consumer on one replica, does not see what the stream's leader
 * holds: scripted here, since which node such a consumer lands on cannot be chosen with a real server
 * ({@link ExportReplayClusterTest} runs replays on a real cluster whose leader is paused and whose replica lags).
 */
class ExportReplayTest {
    private static final long T0 = 1_796_000_000_000L;

    /**
     * The replica ran out early (its last message said none are pending) while the leader held more: before, the
     * replay took the route for read out, and the exporter gave up a batch both hubs stored.
     */
    @Test
    void aBulkReaderThatRunsOutEarlyIsCompletedFromTheLeader() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(1, 8).toArray());
        ExportReplay replay = new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, 1, 6, List.of(1L, 2L, 3L))));

        assertThat(readOut(replay)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aMessageTheBulkReaderSkippedIsBroughtFromTheLeader() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(1, 6).toArray());
        ExportReplay replay = new ExportReplay(
                List.of(stream.route(MetricsRoute.PRIMARY, 1, 6, List.of(1L, 2L), List.of(4L, 5L, 6L))));

        assertThat(readOut(replay)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    /** Sequences the route's subjects do not hold (another partition's) are asked about, not taken for holes. */
    @Test
    void sequencesOfOtherSubjectsAreSkippedOnTheLeadersWord() throws Exception {
        Stream stream = Stream.holding(2, 4, 7, 9);
        ExportReplay replay = new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, 1, 8, List.of(2L, 4L, 7L))));

        assertThat(readOut(replay)).as("up to where the durable consumer stood").containsExactly(2L, 4L, 7L);
        assertThat(stream.asked).as("a question per gap and one for the end").isEqualTo(4);
    }

    /**
     * The leader does not answer in the middle of a read (the stream has no leader yet): the call fails, and the next
     * one goes on from where the last that returned left every route, so nothing is skipped or replayed twice.
     */
    @Test
    void aLeaderThatDoesNotAnswerLeavesEveryRouteWhereItWas() throws Exception {
        Stream primary = Stream.holding(LongStream.rangeClosed(1, 4).toArray());
        Stream secondary = Stream.holding(LongStream.rangeClosed(1, 4).toArray());
        secondary.failAt(3);
        ExportReplay replay = new ExportReplay(List.of(
                primary.route(MetricsRoute.PRIMARY, 1, 4, List.of(1L, 2L, 3L, 4L)),
                secondary.route(MetricsRoute.SECONDARY, 1, 4, List.of(1L, 2L))));

        List<ExportReplay.Replayed> all = new ArrayList<>();
        assertThatThrownBy(() -> replay.next(100, 1 << 20)).isInstanceOf(IOException.class);
        for (List<ExportReplay.Replayed> got = replay.next(100, 1 << 20);
                !got.isEmpty();
                got = replay.next(100, 1 << 20)) {
            all.addAll(got);
        }
        assertThat(all)
                .extracting(ExportReplay.Replayed::subject)
                .containsExactlyInAnyOrder("p.1", "p.2", "p.3", "p.4", "s.1", "s.2", "s.3", "s.4");
    }

    @Test
    void aRouteIsReadInChunksOfAtMostTheMessagesAskedFor() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(1, 5).toArray());
        ExportReplay replay =
                new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, 1, 5, List.of(1L, 2L, 3L, 4L, 5L))));

        assertThat(replay.next(2, 1 << 20))
                .extracting(ExportReplay.Replayed::seq)
                .containsExactly(1L, 2L);
        assertThat(replay.next(2, 1 << 20))
                .extracting(ExportReplay.Replayed::seq)
                .containsExactly(3L, 4L);
        assertThat(replay.next(2, 1 << 20))
                .extracting(ExportReplay.Replayed::seq)
                .containsExactly(5L);
        assertThat(replay.next(2, 1 << 20)).isEmpty();
    }

    /** The start is found by bisection over the leader's answers: publish times rise with the sequence. */
    @Test
    void aReplayStartsAtTheFirstMessagePublishedFromItsStart() throws Exception {
        Stream stream = Stream.holding(
                LongStream.rangeClosed(1, 1000).filter(s -> s % 3 != 0).toArray());

        assertThat(ExportReplay.firstPublishedFrom(stream, 1, 1000, T0 + 500)).isEqualTo(500);
        assertThat(ExportReplay.firstPublishedFrom(stream, 1, 1000, T0 + 300))
                .as("300 is another subject's: the route's first from there is 301")
                .isEqualTo(300);
        assertThat(ExportReplay.firstPublishedFrom(stream, 1, 1000, T0)).isEqualTo(1);
        assertThat(ExportReplay.firstPublishedFrom(stream, 1, 700, T0 + 800))
                .as("nothing from then up to the route's end")
                .isEqualTo(701);
        assertThat(stream.asked).as("a bisection, not a scan").isLessThan(60);
    }

    /**
     * A node that still takes itself for the stream's leader for a moment after a pause answers from a copy short of
     * the route's end: that is not the end. The call fails, and the route is read on once the leader holds its end.
     */
    @Test
    void aLeaderShortOfTheRoutesEndIsAskedAgain() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(1, 6).toArray());
        stream.catchingUpAt(3);
        ExportReplay replay = new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, 1, 6, List.of(1L, 2L))));

        assertThatThrownBy(() -> replay.next(100, 1 << 20))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds up to 3, short of 6");
        stream.catchingUpAt(Long.MAX_VALUE);
        assertThat(readOut(replay)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    /** Messages aged out of the stream past where the durable consumer stood: nothing to replay, at once. */
    @Test
    void aRouteWhoseMessagesAgedOutIsReadOutAtOnce() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(50, 60).toArray());
        long first = ExportReplay.firstPublishedFrom(stream, 50, 40, T0);
        ExportReplay replay = new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, first, 40)));

        assertThat(first).isEqualTo(50);
        assertThat(replay.next(100, 1 << 20)).isEmpty();
        assertThat(stream.asked).isZero();
    }

    @Test
    void aChunkStopsAtAboutTheBytesAskedFor() throws Exception {
        Stream stream = Stream.holding(LongStream.rangeClosed(1, 5).toArray());
        ExportReplay replay =
                new ExportReplay(List.of(stream.route(MetricsRoute.PRIMARY, 1, 5, List.of(1L, 2L, 3L, 4L, 5L))));

        assertThat(replay.next(100, 25)).as("10 bytes a message").hasSize(3);
        assertThat(replay.next(100, 25)).extracting(ExportReplay.Replayed::seq).containsExactly(4L, 5L);
    }

    private static List<Long> readOut(ExportReplay replay) throws Exception {
        List<Long> seqs = new ArrayList<>();
        for (List<ExportReplay.Replayed> got = replay.next(100, 1 << 20);
                !got.isEmpty();
                got = replay.next(100, 1 << 20)) {
            got.forEach(m -> seqs.add(m.seq()));
        }
        return seqs;
    }

    /** A stream as its leader holds it: message {@code seq} published at {@code T0 + seq} ms. */
    private static final class Stream implements ExportReplay.Leader {
        private final TreeMap<Long, String> held = new TreeMap<>();
        private long failAt = -1;
        private long caughtUpTo = Long.MAX_VALUE; // a leader still catching up holds nothing past it
        private int asked;
        private String prefix = "p.";

        static Stream holding(long... seqs) {
            Stream s = new Stream();
            for (long seq : seqs) {
                s.held.put(seq, "");
            }
            return s;
        }

        void failAt(long seq) {
            failAt = seq;
        }

        void catchingUpAt(long seq) {
            caughtUpTo = seq;
        }

        /** The route over this stream, from {@code first} to {@code last}, its bulk reader bringing {@code fetches}. */
        @SafeVarargs
        final ExportReplay.Route route(MetricsRoute route, long first, long last, List<Long>... fetches) {
            prefix = route == MetricsRoute.PRIMARY ? "p." : "s.";
            Deque<List<Long>> left = new ArrayDeque<>(List.of(fetches));
            ExportReplay.Bulk bulk = (after, maxMessages, maxBytes) -> {
                List<Message> got = new ArrayList<>();
                if (!left.isEmpty()) {
                    left.poll().forEach(seq -> got.add(message(prefix, seq)));
                }
                return got;
            };
            return new ExportReplay.Route(route, bulk, this, first, last);
        }

        @Override
        public ExportReplay.Replayed next(long seq) throws IOException {
            asked++;
            if (seq == failAt) {
                failAt = -1;
                throw new IOException("Timeout or no response waiting for NATS JetStream server");
            }
            Map.Entry<Long, String> e = held.ceilingEntry(seq);
            return e == null || e.getKey() > caughtUpTo ? null : replayed(prefix, e.getKey());
        }

        @Override
        public long lastSeq() {
            return Math.min(held.isEmpty() ? 0 : held.lastKey(), caughtUpTo);
        }
    }

    private static ExportReplay.Replayed replayed(String prefix, long seq) {
        return new ExportReplay.Replayed(prefix + seq, new byte[10], T0 + seq, seq);
    }

    /** A message of stream sequence {@code seq}, as a consumer delivers it. */
    private static Message message(String prefix, long seq) {
        NatsMessage delivered =
                new NatsMessage(
                        prefix + seq,
                        "$JS.ACK.DUALHUB_METRICS.replay.1." + seq + "." + seq + "." + (T0 + seq) * 1_000_000 + ".0",
                        new byte[10]) {
                    @Override
                    public boolean isJetStream() {
                        return true; // as a message a consumer delivered is
                    }
                };
        NatsJetStreamMetaData meta = new NatsJetStreamMetaData(delivered);
        return new NatsMessage(delivered.getSubject(), null, delivered.getData()) {
            @Override
            public NatsJetStreamMetaData metaData() {
                return meta;
            }
        };
    }
}
