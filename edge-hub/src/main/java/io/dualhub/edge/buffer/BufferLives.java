package io.dualhub.edge.buffer;

import io.dualhub.common.WholeFile;
import io.dualhub.common.wire.Incarnations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The incarnations of one buffer directory, oldest first ({@link BufferLife}). The current one's id is also in the
 * file {@code incarnation} (all a buffer that was never torn has); the file {@code lives} starts with
 * {@code version <n>} (one of a newer version is refused) and lists every life as
 * {@code <incarnation> <firstSeq> [<lastSeq>]}, the current one last; a current life still being set up by
 * {@link BufferRecovery} carries the word {@code recovering}. Both files are replaced atomically. Changed only while
 * the buffer opens, by the opening thread; read-only afterwards.
 */
final class BufferLives {
    private static final String RECOVERING = "recovering";
    static final int VERSION = 1;
    private final Path dir;
    private final List<BufferLife> lives;
    private final boolean recovering;

    private BufferLives(Path dir, List<BufferLife> lives, boolean recovering) {
        this.dir = dir;
        this.lives = List.copyOf(lives);
        this.recovering = recovering;
    }

    /** The lives recorded in {@code dir}; a directory without any starts its first incarnation. */
    static BufferLives load(Path dir) {
        Path livesFile = dir.resolve("lives");
        Path idFile = dir.resolve("incarnation");
        try {
            if (Files.exists(livesFile)) {
                return parse(dir, Files.readAllLines(livesFile));
            }
            String id = Files.exists(idFile)
                    ? Incarnations.require(Files.readString(idFile).trim())
                    : null;
            if (id == null) {
                id = Incarnations.newId();
                WholeFile.replace(idFile, id);
            }
            return new BufferLives(dir, List.of(new BufferLife(id, 1, Long.MAX_VALUE)), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the buffer's incarnation in " + dir, e);
        }
    }

    private static BufferLives parse(Path dir, List<String> lines) {
        List<BufferLife> lives = new ArrayList<>();
        boolean recovering = false;
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length < 2) {
                continue;
            }
            if (f[0].equals("version")) {
                if (Integer.parseInt(f[1]) > VERSION) {
                    throw new IllegalStateException(dir.resolve("lives") + " was written by a newer dualhub edge"
                            + " (version " + f[1] + "; this edge reads up to " + VERSION + "): upgrade this edge, or"
                            + " start it on another data.dir");
                }
                continue;
            }
            String id = Incarnations.require(f[0].equals("-") ? "" : f[0]);
            boolean current = f.length == 2 || f[2].equals(RECOVERING);
            lives.add(new BufferLife(id, Long.parseLong(f[1]), current ? Long.MAX_VALUE : Long.parseLong(f[2])));
            recovering = f.length == 3 && f[2].equals(RECOVERING);
        }
        if (lives.isEmpty()) {
            throw new IllegalStateException(dir.resolve("lives") + " lists no incarnation");
        }
        return new BufferLives(dir, lives, recovering);
    }

    BufferLife current() {
        return lives.get(lives.size() - 1);
    }

    /** True while the current life's recovery has not finished (see {@link BufferRecovery}). */
    boolean recovering() {
        return recovering;
    }

    /** The life that owns queue sequence {@code seq}: the last one starting at or before it. */
    BufferLife of(long seq) {
        for (int i = lives.size() - 1; i > 0; i--) {
            if (lives.get(i).firstSeq() <= seq) {
                return lives.get(i);
            }
        }
        return lives.get(0);
    }

    /** The life of that incarnation, or null when this buffer never had it. */
    BufferLife find(String incarnation) {
        for (BufferLife life : lives) {
            if (life.incarnation().equals(incarnation)) {
                return life;
            }
        }
        return null;
    }

    /**
     * Retires every life at the queue's tail, {@code firstSeq - 1} (what lay beyond it is gone: a lost queue starts
     * again at 1, and no retired life may claim its new sequences) and starts a new incarnation at {@code firstSeq},
     * marked as recovering until {@link #recovered}. This is the commit point of a recovery: from here on no batch
     * of the old incarnation can be numbered again.
     */
    BufferLives rotate(long firstSeq) {
        List<BufferLife> next = new ArrayList<>();
        for (BufferLife life : lives) {
            next.add(new BufferLife(
                    life.incarnation(),
                    life.firstSeq(),
                    Math.max(life.firstSeq() - 1, Math.min(life.lastSeq(), firstSeq - 1))));
        }
        next.add(new BufferLife(Incarnations.newId(), firstSeq, Long.MAX_VALUE));
        return save(next, true);
    }

    /** Clears the recovering mark once the buffer's marks were reset. */
    BufferLives recovered() {
        return save(lives, false);
    }

    private BufferLives save(List<BufferLife> next, boolean inRecovery) {
        StringBuilder text = new StringBuilder("version " + VERSION + "\n");
        for (BufferLife life : next) {
            text.append(life.incarnation().isEmpty() ? "-" : life.incarnation())
                    .append(' ')
                    .append(life.firstSeq());
            if (life.lastSeq() != Long.MAX_VALUE) {
                text.append(' ').append(life.lastSeq());
            } else if (inRecovery) {
                text.append(' ').append(RECOVERING);
            }
            text.append('\n');
        }
        try {
            WholeFile.replace(dir.resolve("lives"), text.toString());
            WholeFile.replace(
                    dir.resolve("incarnation"), next.get(next.size() - 1).incarnation());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the buffer's incarnations in " + dir, e);
        }
        return new BufferLives(dir, next, inRecovery);
    }
}
