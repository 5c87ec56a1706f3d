package io.dualhub.edge.buffer;

import io.dualhub.common.WholeFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a buffer does at open, before its queue is used, when its files may disagree: after a process or machine
 * crash, a power loss with {@code buffer.sync: false}, or an operator who lost the {@code queue/} directory but kept
 * the rest. The guarantee: the buffer always starts, never numbers a batch twice within one incarnation, keeps every
 * batch that survives, and declares the ones it knows it lost.
 *
 * <ol>
 *   <li>After an unclean stop, or when the queue's tail disagrees with the appended high-water mark, the queue is read
 *       from its start. A queue Chronicle cannot read to its end (a truncated or torn cycle file) is rebuilt from the
 *       batches that read back whole and in order, in a new directory that replaces the old one.</li>
 *   <li>The buffer is torn when it knows of batches past the queue's tail (appended, published or acknowledged), when
 *       the queue was damaged, or when the machine went down while writes were not forced to disk. Then the
 *       incarnation is retired at the tail and a new one starts after it ({@link BufferLives#rotate}, the commit
 *       point); the retired one's batches between what the stream acknowledged and the last one known are recorded as
 *       a {@link LostRange} to declare.</li>
 * </ol>
 * The buffer then settles its checkpoint and marks to what survives, and clears the recovering mark. A crash in
 * between repeats only what is left: the rotation is not repeated once recorded.
 */
final class BufferRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(BufferRecovery.class);
    private static final long REBUILD_BLOCK_BYTES = 64L << 20;

    private BufferRecovery() {}

    /** Runs the checks and, when the buffer is torn, the rotation; returns the lives to open the buffer with. */
    static BufferLives run(
            Path dir,
            Checkpoint checkpoint,
            BufferLives lives,
            RunMarker.PreviousRun previous,
            BufferSettings settings,
            Clock clock) {
        Path queueDir = dir.resolve("queue");
        finishRebuild(queueDir);
        if (lives.recovering()) {
            return lives; // rotated already; the buffer only settles its marks
        }
        Scan scan = scan(
                queueDir,
                clock,
                settings.queueBlockBytes(),
                previous != RunMarker.PreviousRun.CLEAN,
                checkpoint.appendedSeq());
        if (!scan.whole() || checkpoint.appendedSeq() > scan.last() && scan.last() > 0) {
            // A tail cut short inside the queue leaves Chronicle's own write position past it: appends would land
            // beyond a hole that readers never cross. A rebuilt queue ends where its last whole batch does.
            rebuild(queueDir, clock, scan.last());
        }
        List<String> problems = problems(scan, checkpoint, previous, settings.sync());
        if (problems.isEmpty()) {
            return lives;
        }
        BufferLife old = lives.current();
        long tail = scan.last();
        long lostFrom = Math.max(Math.max(tail, checkpoint.seq()) + 1, old.firstSeq());
        long lostTo = Math.max(checkpoint.appendedSeq(), checkpoint.sentSeq());
        String lost = "";
        if (lostTo >= lostFrom) {
            LostRange range = new LostRange(old.incarnation(), old.wireSeq(lostFrom), old.wireSeq(lostTo));
            LostRange.record(dir, range);
            lost = ", batches " + range.fromSeq() + ".." + range.toSeq()
                    + " can no longer be sent and are declared lost";
        }
        BufferLives rotated = lives.rotate(tail + 1);
        LOG.warn(
                "buffer {} was torn ({}): incarnation {} ends at batch {}{}; new batches are numbered from 1 under"
                        + " incarnation {}",
                dir,
                String.join("; ", problems),
                old.incarnation(),
                Math.max(0, old.wireSeq(tail)),
                lost,
                rotated.current().incarnation());
        return rotated;
    }

    private static List<String> problems(
            Scan scan, Checkpoint checkpoint, RunMarker.PreviousRun previous, boolean sync) {
        List<String> problems = new ArrayList<>();
        long tail = scan.last();
        if (!scan.whole()) {
            problems.add("its queue could not be read past batch " + tail + " and was rebuilt from what reads back");
        }
        if (checkpoint.appendedSeq() > tail) {
            problems.add("batches up to " + checkpoint.appendedSeq() + " were appended, the queue ends at " + tail);
        }
        if (checkpoint.sentSeq() > tail) {
            problems.add("batches up to " + checkpoint.sentSeq() + " were published");
        }
        if (checkpoint.seq() > tail) {
            problems.add("the checkpoint is at batch " + checkpoint.seq());
        }
        if (previous == RunMarker.PreviousRun.MACHINE_WENT_DOWN && !sync) {
            problems.add("the machine went down while buffer.sync was off, so the last batches may be gone without"
                    + " trace");
        }
        return problems;
    }

    /**
     * The sequence of the queue's last batch that reads back in order (0 when empty), and whether that is the
     * whole queue (sequences follow each other without holes).
     */
    private record Scan(long last, boolean whole) {}

    /**
     * Reads every batch only when asked to ({@code deep}: after an unclean stop) or when the tail Chronicle reports
     * does not match the appended high-water mark.
     */
    private static Scan scan(Path queueDir, Clock clock, long blockBytes, boolean deep, long appended) {
        if (!Files.exists(queueDir)) {
            return new Scan(0, true);
        }
        try (SingleChronicleQueue queue = EdgeBuffer.openQueue(queueDir, clock, blockBytes)) {
            return scan(queue, deep, appended);
        } catch (RuntimeException | AssertionError e) {
            LOG.warn("the buffer's queue {} cannot be opened: {}", queueDir, e.toString());
            return new Scan(0, false);
        }
    }

    private static Scan scan(SingleChronicleQueue queue, boolean deep, long appended) {
        long tail = tailSeq(queue);
        if (!deep && tail >= 0 && (appended == 0 || tail == appended)) {
            return new Scan(tail, true);
        }
        long last = 0;
        boolean whole = true;
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            for (long seq = nextSeq(tailer); seq > 0; seq = nextSeq(tailer)) {
                if (last > 0 && seq != last + 1) {
                    whole = false;
                    break;
                }
                last = seq;
            }
        } catch (RuntimeException | AssertionError e) {
            whole = false; // Chronicle cannot read on: the batches before are what survives
        }
        return new Scan(last, whole && tail == last);
    }

    /** The sequence of the queue's last batch, 0 when empty, -1 when Chronicle cannot tell. */
    private static long tailSeq(SingleChronicleQueue queue) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            long index = queue.lastIndex();
            if (index < 0) {
                return 0;
            }
            return tailer.moveToIndex(index) ? Math.max(nextSeq(tailer), -1) : -1;
        } catch (RuntimeException | AssertionError e) {
            return -1;
        }
    }

    private static long nextSeq(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            return dc.isPresent() ? dc.wire().bytes().readLong() : 0;
        }
    }

    /**
     * Copies the batches up to {@code lastSeq} into a new queue that then replaces the old one; written in blocks
     * that take any batch an earlier release may have buffered (up to a quarter of Chronicle's default 64 MiB).
     */
    private static void rebuild(Path queueDir, Clock clock, long lastSeq) {
        Path rebuilt = queueDir.resolveSibling("queue.rebuild");
        deleteTree(rebuilt);
        try (SingleChronicleQueue to = EdgeBuffer.openQueue(rebuilt, clock, REBUILD_BLOCK_BYTES);
                ExcerptAppender appender = to.createAppender()) {
            if (lastSeq > 0) {
                try (SingleChronicleQueue from = EdgeBuffer.openQueue(queueDir, clock, REBUILD_BLOCK_BYTES);
                        ExcerptTailer tailer = from.createTailer()) {
                    tailer.toStart();
                    copy(tailer, appender, lastSeq);
                } catch (RuntimeException | AssertionError e) {
                    LOG.warn("copying the buffer's queue stopped early: {}", e.toString());
                }
            }
        }
        forceTree(rebuilt); // the copy on disk before the old queue goes, whatever buffer.sync says
        Path torn = queueDir.resolveSibling("queue.torn");
        deleteTree(torn);
        move(queueDir, torn); // only once the copy is whole: see finishRebuild
        move(rebuilt, queueDir);
        deleteTree(torn);
    }

    private static void copy(ExcerptTailer tailer, ExcerptAppender appender, long lastSeq) {
        while (true) {
            try (DocumentContext in = tailer.readingDocument()) {
                if (!in.isPresent()) {
                    return;
                }
                Bytes<?> bytes = in.wire().bytes();
                long seq = bytes.readLong();
                if (seq > lastSeq) {
                    return;
                }
                byte[] payload = new byte[(int) bytes.readRemaining()];
                bytes.read(payload);
                try (DocumentContext out = appender.writingDocument()) {
                    out.wire().bytes().writeLong(seq).write(payload);
                }
            }
        }
    }

    /**
     * A rebuild that a crash interrupted: the old queue is moved aside to {@code queue.torn} only once the copy is
     * whole, so a copy beside the old queue is incomplete and discarded, and a copy without it takes its place.
     */
    private static void finishRebuild(Path queueDir) {
        Path rebuilt = queueDir.resolveSibling("queue.rebuild");
        if (Files.exists(rebuilt)) {
            if (Files.exists(queueDir)) {
                deleteTree(rebuilt);
            } else {
                move(rebuilt, queueDir);
            }
        }
        deleteTree(queueDir.resolveSibling("queue.torn"));
    }

    private static void forceTree(Path root) {
        try {
            WholeFile.forceTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the rebuilt queue " + root + " to disk", e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            WholeFile.move(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
