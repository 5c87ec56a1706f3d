package io.dualhub.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.TornFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A buffer whose files were torn (a lost {@code queue/}, a truncated cycle file, a checkpoint past the tail) starts,
 * keeps what survives under its old incarnation, records what it can no longer send, and numbers new batches from 1
 * under a new incarnation: no wire sequence is ever used twice within one incarnation.
 */
class TornBufferTest {
    @TempDir
    Path dir;

    private static final BufferSettings SETTINGS = EdgeBufferTest.SETTINGS;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    private static List<Point> points(int n) {
        return EdgeBufferTest.points(n);
    }

    /** Appends {@code batches}, acknowledges the first {@code acked} and publishes up to {@code sent}. */
    private String fill(int batches, int acked, int sent) {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            for (int i = 0; i < batches; i++) {
                buffer.append(points(50));
            }
            acknowledge(buffer, acked);
            buffer.markSent(sent);
            return buffer.incarnation();
        }
    }

    private static void acknowledge(EdgeBuffer buffer, int count) {
        try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            for (int i = 0; i < count; i++) {
                BufferedBatch b = reader.next();
                buffer.checkpoint(b.position(), b.size());
            }
        }
    }

    @Test
    void aLostQueueDirectoryStartsANewIncarnationAndDeclaresWhatWasNeverAcknowledged() throws Exception {
        String old = fill(8, 5, 7);
        NatsFixture.deleteTree(dir.resolve("queue"));

        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.incarnation()).isNotEqualTo(old);
            assertThat(buffer.lostToDeclare()).containsExactly(new LostRange(old, 6, 8));
            assertThat(buffer.backlog()).isZero();
            buffer.append(points(3));
            Batch first = onlyBatchAfterCheckpoint(buffer);
            assertThat(first.incarnation()).isEqualTo(buffer.incarnation());
            assertThat(first.seq()).isEqualTo(1);
            assertThat(buffer.life(old).holds(buffer.lastSeq()))
                    .as("the old incarnation claims no new batch")
                    .isFalse();
        }
    }

    @Test
    void aTruncatedCycleFileKeepsWhatReadsBackUnderTheOldIncarnation() throws Exception {
        long acknowledgedEnd;
        String old;
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            for (int i = 0; i < 10; i++) {
                buffer.append(points(50));
            }
            acknowledge(buffer, 10);
            acknowledgedEnd = TornFiles.writtenLength(cycleFile());
            for (int i = 0; i < 10; i++) {
                buffer.append(points(50));
            }
            buffer.markSent(12);
            old = buffer.incarnation();
        }
        TornFiles.truncate(cycleFile(), (acknowledgedEnd + TornFiles.writtenLength(cycleFile())) / 2);

        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            long survivors = buffer.lastSeq();
            assertThat(survivors).as("what reads back whole").isBetween(10L, 19L);
            assertThat(buffer.incarnation()).isNotEqualTo(old);
            assertThat(buffer.lostToDeclare()).containsExactly(new LostRange(old, survivors + 1, 20));
            buffer.append(points(3));
            List<Batch> unacknowledged = batchesAfterCheckpoint(buffer);
            assertThat(unacknowledged).hasSize((int) (survivors - 10) + 1);
            for (int i = 0; i < unacknowledged.size() - 1; i++) {
                assertThat(unacknowledged.get(i).incarnation()).isEqualTo(old);
                assertThat(unacknowledged.get(i).seq()).isEqualTo(11 + i);
            }
            Batch fresh = unacknowledged.get(unacknowledged.size() - 1);
            assertThat(fresh.incarnation()).isEqualTo(buffer.incarnation());
            assertThat(fresh.seq()).isEqualTo(1);
            assertThat(buffer.lifeOf(buffer.lastSeq()).wireSeq(buffer.lastSeq()))
                    .isEqualTo(1);
        }
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.lostToDeclare()).as("recorded once").hasSize(1);
            assertThat(buffer.life(old)).isNotNull();
            buffer.append(points(3));
            assertThat(buffer.lifeOf(buffer.lastSeq()).wireSeq(buffer.lastSeq()))
                    .as("a clean reopen goes on")
                    .isEqualTo(2);
        }
    }

    @Test
    void aCheckpointPastTheTailMovesToTheTail() throws Exception {
        String old = fill(6, 6, 6);
        TornFiles.moveCheckpointAhead(dir.resolve("checkpoint"), 4, 10);

        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.incarnation()).isNotEqualTo(old);
            assertThat(buffer.lostToDeclare())
                    .as("acknowledged batches are in the stream")
                    .isEmpty();
            assertThat(buffer.checkpointSeq()).isEqualTo(6);
            assertThat(buffer.backlog()).isZero();
            buffer.append(points(3));
            Batch fresh = onlyBatchAfterCheckpoint(buffer);
            assertThat(fresh.incarnation()).isEqualTo(buffer.incarnation());
            assertThat(fresh.seq()).isEqualTo(1);
        }
    }

    @Test
    void aKilledProcessOnTheSameMachineKeepsItsIncarnation() {
        String incarnation;
        EdgeBuffer killed = new EdgeBuffer(dir, "e1", clock, SETTINGS);
        killed.append(points(3));
        incarnation = killed.incarnation();
        // not closed: its running marker stays, as after kill -9
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.incarnation()).isEqualTo(incarnation);
            assertThat(buffer.lastSeq()).isEqualTo(1);
            assertThat(buffer.lostToDeclare()).isEmpty();
        }
        killed.close();
    }

    /**
     * A running marker from another boot: the machine went down, and without buffer.sync the last appends may be gone
     * without trace, so the incarnation is retired; with buffer.sync every 204 was forced to disk and it is kept.
     */
    @Test
    void aMachineThatWentDownRetiresTheIncarnationOnlyWithoutSync() throws Exception {
        String old = fill(3, 1, 3);
        Files.writeString(dir.resolve("running"), "another-boot");
        BufferSettings synced = BufferSettings.from(SETTINGS).sync(true).build();
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, synced)) {
            assertThat(buffer.incarnation())
                    .as("forced to disk: nothing can be missing")
                    .isEqualTo(old);
        }
        Files.writeString(dir.resolve("running"), "another-boot");
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.incarnation()).isNotEqualTo(old);
            assertThat(buffer.lastSeq()).as("the surviving batches stay").isEqualTo(3);
            assertThat(batchesAfterCheckpoint(buffer))
                    .extracting(Batch::incarnation)
                    .containsOnly(old);
        }
    }

    /** A rebuild a crash interrupted: a copy beside the old queue is incomplete and discarded, the queue kept. */
    @Test
    void anInterruptedRebuildLeavesTheQueueWhole() throws Exception {
        String old = fill(4, 2, 4);
        Files.createDirectories(dir.resolve("queue.rebuild"));
        Files.writeString(dir.resolve("queue.rebuild").resolve("partial.cq4"), "half a copy");
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, SETTINGS)) {
            assertThat(buffer.incarnation()).isEqualTo(old);
            assertThat(buffer.lastSeq()).isEqualTo(4);
            assertThat(batchesAfterCheckpoint(buffer)).hasSize(2);
        }
        assertThat(dir.resolve("queue.rebuild")).doesNotExist();
    }

    private Batch onlyBatchAfterCheckpoint(EdgeBuffer buffer) {
        List<Batch> batches = batchesAfterCheckpoint(buffer);
        assertThat(batches).hasSize(1);
        return batches.get(0);
    }

    private static List<Batch> batchesAfterCheckpoint(EdgeBuffer buffer) {
        List<Batch> batches = new ArrayList<>();
        try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            for (BufferedBatch b = reader.next(); b != null; b = reader.next()) {
                batches.add(BatchCodec.decode(b.payload()));
            }
        }
        return batches;
    }

    private Path cycleFile() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("queue"))) {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }
}
