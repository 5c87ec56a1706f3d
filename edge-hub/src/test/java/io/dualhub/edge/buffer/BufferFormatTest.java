package io.dualhub.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.TornFiles;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's own files carry their format: one written before versions were kept is read and carried forward, one
 * written by a newer edge is refused with a message saying so, never misread.
 */
class BufferFormatTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    private String appendThreeAcknowledgeTwo() {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, EdgeBufferTest.SETTINGS)) {
            for (int i = 0; i < 3; i++) {
                buffer.append(EdgeBufferTest.points(2));
            }
            try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
                reader.next();
                BufferedBatch second = reader.next();
                buffer.checkpoint(second.position(), 2 * second.size());
            }
            return buffer.incarnation();
        }
    }

    @Test
    void aCheckpointFromBeforeVersionsIsReadAndCarriedForward() throws Exception {
        String incarnation = appendThreeAcknowledgeTwo();
        TornFiles.truncate(dir.resolve("checkpoint"), 24); // index, flag, published sequence: the first format

        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, EdgeBufferTest.SETTINGS)) {
            assertThat(buffer.incarnation()).isEqualTo(incarnation);
            assertThat(buffer.checkpointSeq()).isEqualTo(2);
            assertThat(buffer.append(EdgeBufferTest.points(1)).first()).isEqualTo(4);
        }
        try (RandomAccessFile file =
                new RandomAccessFile(dir.resolve("checkpoint").toFile(), "r")) {
            file.seek(40);
            assertThat(file.readLong()).isEqualTo(Checkpoint.VERSION);
        }
    }

    @Test
    void aCheckpointOfANewerFormatIsRefused() throws Exception {
        appendThreeAcknowledgeTwo();
        try (RandomAccessFile file =
                new RandomAccessFile(dir.resolve("checkpoint").toFile(), "rw")) {
            file.seek(40);
            file.writeLong(99);
        }
        assertThatThrownBy(() -> new EdgeBuffer(dir, "e1", clock, EdgeBufferTest.SETTINGS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written by a newer dualhub edge (format 99; this edge reads up to 2)");
    }

    @Test
    void livesOfANewerVersionAreRefused() throws Exception {
        appendThreeAcknowledgeTwo();
        Files.writeString(dir.resolve("lives"), "version 7\n0123456789ab 1\n");
        assertThatThrownBy(() -> new EdgeBuffer(dir, "e1", clock, EdgeBufferTest.SETTINGS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written by a newer dualhub edge (version 7; this edge reads up to 1)");
    }
}
