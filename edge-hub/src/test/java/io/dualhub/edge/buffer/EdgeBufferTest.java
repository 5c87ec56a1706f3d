package io.dualhub.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeBufferTest {
    @TempDir
    Path dir;

    static final BufferSettings SETTINGS = BufferSettings.unbounded(1 << 20);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    static List<Point> points(int n) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(Point.of("m", Map.of("i", Integer.toString(i)), i, i));
        }
        return points;
    }

    @Test
    void sequencesContinueAcrossReopenWithoutHoles() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.append(points(3))).isEqualTo(new EdgeBuffer.SeqRange(1, 1));
            assertThat(buffer.append(points(3))).isEqualTo(new EdgeBuffer.SeqRange(2, 2));
        }
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.lastSeq()).isEqualTo(2);
            assertThat(buffer.append(points(1))).isEqualTo(new EdgeBuffer.SeqRange(3, 3));
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                for (long seq = 1; seq <= 3; seq++) {
                    BufferedBatch b = reader.next();
                    assertThat(b.seq()).isEqualTo(seq);
                    assertThat(BatchCodec.decode(b.payload()).seq()).isEqualTo(seq);
                    assertThat(BatchCodec.decode(b.payload()).edgeId()).isEqualTo("e1");
                }
                assertThat(reader.next()).isNull();
            }
        }
    }

    @Test
    void aBatchIsReadAgainByItsPositionFromAnEarlierCycleFile() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            buffer.append(points(3));
            clock.advance(Duration.ofHours(2)); // the next batch opens another cycle file
            buffer.append(points(2));
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                BufferedBatch first = reader.next();
                BufferedBatch second = reader.next();
                assertThat(reader.next()).isNull();

                byte[] again = reader.reread(first.position());
                assertThat(again).isEqualTo(first.payload()).isNotSameAs(first.payload());
                assertThat(reader.reread(second.position())).isEqualTo(second.payload());
                assertThat(reader.next())
                        .as("the forwarder's own cursor did not move")
                        .isNull();
                assertThatThrownBy(() -> reader.reread(new BatchPosition(2, first.index())))
                        .hasMessageStartingWith("BUG: batch 2 not at queue index");
            }
        }
    }

    @Test
    void readerResumesAfterTheCheckpointAfterReopen() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            for (int i = 0; i < 5; i++) {
                buffer.append(points(2));
            }
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                reader.next();
                BufferedBatch second = reader.next();
                buffer.checkpoint(second.position(), 2 * second.size());
            }
            assertThat(buffer.backlog()).isEqualTo(3);
        }
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS);
                EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            assertThat(buffer.checkpointSeq()).isEqualTo(2);
            assertThat(reader.next().seq()).isEqualTo(3);
        }
    }

    @Test
    void largeAppendsAreCutIntoConsecutiveBatchesUnderTheLimit() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir.resolve("small"), "e1", clock, BufferSettings.unbounded(4096))) {
            EdgeBuffer.SeqRange range = buffer.append(points(1000));
            assertThat(range.last() - range.first()).isGreaterThan(5);
            int total = 0;
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                for (BufferedBatch b = reader.next(); b != null; b = reader.next()) {
                    assertThat(b.payload().length).isLessThanOrEqualTo(4096);
                    total += BatchCodec.decode(b.payload()).points().size();
                }
            }
            assertThat(total).isEqualTo(1000);
        }
    }

    @Test
    void aPointThatAloneOutgrowsABatchIsRefusedAndNothingOfItsListIsAppended() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, BufferSettings.unbounded(4096))) {
            List<Point> write = new ArrayList<>(points(3));
            write.add(Point.of("big", Map.of("t", "x".repeat(5000)), 1, 1));
            write.addAll(points(3));

            assertThatThrownBy(() -> buffer.append(write))
                    .isInstanceOf(PointTooLargeException.class)
                    .hasMessageContaining("metric 'big'")
                    .hasMessageContaining("4096 bytes");
            assertThat(buffer.lastSeq()).isZero();
            assertThat(buffer.append(points(3))).isEqualTo(new EdgeBuffer.SeqRange(1, 1));
        }
    }

    @Test
    void theQueueIsMappedInBlocksOfEightBatchesAtLeastFourMebibytes() {
        assertThat(BufferSettings.unbounded(1024).queueBlockBytes()).isEqualTo(4L << 20);
        assertThat(BufferSettings.unbounded(512 << 10).queueBlockBytes()).isEqualTo(4L << 20);
        assertThat(BufferSettings.unbounded(600 << 10).queueBlockBytes()).isEqualTo(8L << 20);
        assertThat(BufferSettings.unbounded(8 << 20).queueBlockBytes()).isEqualTo(64L << 20);
    }

    /**
     * An hour's file counts in the edge's RSS by the blocks mapped around the writer and the reader, not by all that
     * was written into it: 40 MB written and forwarded within one hour leave at most four blocks resident.
     */
    @Test
    void theCurrentHoursFileStaysResidentAFewBlocksAtATime() throws Exception {
        BufferSettings settings = BufferSettings.unbounded(512 << 10);
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, settings);
                EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            long written = 0;
            while (written < 40L << 20) {
                buffer.append(points(2000));
                BufferedBatch b = reader.next();
                buffer.checkpoint(b.position(), b.size());
                written += b.size();
            }
            assertThat(residentQueueBytes()).isLessThanOrEqualTo(4 * settings.queueBlockBytes());
        }
    }

    /** The resident bytes of this process's mappings of the queue's files ({@code /proc/self/smaps}). */
    private long residentQueueBytes() throws Exception {
        long kib = 0;
        boolean queueFile = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                queueFile = line.contains(dir.resolve("queue").toString());
            } else if (queueFile && line.startsWith("Rss:")) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib << 10;
    }

    @Test
    void retentionDeletesOnlyAcknowledgedCyclesOlderThanTheRetention() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            buffer.append(points(1));
            clock.advance(Duration.ofHours(2));
            buffer.append(points(1));
            clock.advance(Duration.ofHours(2));
            buffer.append(points(1));
            RetentionSweeper sweeper = new RetentionSweeper(buffer, Duration.ofHours(1), clock);
            assertThat(sweeper.sweep()).as("nothing acknowledged yet").isZero();
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                reader.next();
                BufferedBatch second = reader.next();
                buffer.checkpoint(second.position(), 2 * second.size());
            }
            assertThat(new RetentionSweeper(buffer, Duration.ofHours(24), clock).sweep())
                    .as("within retention")
                    .isZero();
            assertThat(cycleFiles()).hasSize(3);
            assertThat(sweeper.sweep()).as("first cycle: acknowledged and old").isEqualTo(1);
            assertThat(cycleFiles()).hasSize(2);
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                assertThat(reader.next().seq()).as("unacknowledged data kept").isEqualTo(3);
            }
        }
    }

    @Test
    void readRangeFindsEveryRangeAcrossCyclesAndAfterRetention() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            for (int cycle = 0; cycle < 30; cycle++) {
                for (int i = 0; i < cycle % 4 + 1; i++) {
                    buffer.append(points(1));
                }
                clock.advance(Duration.ofHours(cycle % 3 == 0 ? 3 : 1)); // some hours have no cycle file
            }
            long last = buffer.lastSeq();
            for (long from = 1; from <= last + 1; from++) {
                for (long to : new long[] {from, from + 2, last + 5}) {
                    assertRead(buffer, from, to, 1, last);
                }
            }
            acknowledgeAll(buffer);
            assertThat(new RetentionSweeper(buffer, Duration.ofHours(24), clock).sweep())
                    .isPositive();
            long firstRetained = readAll(buffer, 1, last).get(0); // from the start: no seek
            assertThat(firstRetained).isGreaterThan(1);
            for (long from = 1; from <= last; from++) {
                assertRead(buffer, from, last, firstRetained, last);
            }
        }
    }

    private static void assertRead(EdgeBuffer buffer, long from, long to, long firstRetained, long last) {
        List<Long> seqs = new ArrayList<>();
        assertThat(buffer.readRange(from, to, b -> seqs.add(b.seq()))).isEqualTo(firstRetained);
        List<Long> expected = new ArrayList<>();
        for (long seq = Math.max(from, firstRetained); seq <= Math.min(to, last); seq++) {
            expected.add(seq);
        }
        assertThat(seqs).as("readRange(%d, %d)", from, to).isEqualTo(expected);
    }

    private static List<Long> readAll(EdgeBuffer buffer, long from, long to) {
        List<Long> seqs = new ArrayList<>();
        buffer.readRange(from, to, b -> seqs.add(b.seq()));
        return seqs;
    }

    private static void acknowledgeAll(EdgeBuffer buffer) {
        try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            BufferedBatch last = null;
            for (BufferedBatch b = reader.next(); b != null; b = reader.next()) {
                last = b;
            }
            buffer.checkpoint(last.position(), buffer.unackedBytes());
        }
    }

    private File[] cycleFiles() {
        return dir.resolve("queue").toFile().listFiles((d, n) -> n.endsWith(".cq4"));
    }
}
