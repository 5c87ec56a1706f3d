package io.dualhub.common.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hub's parts in the order they start, each with its start and its close: {@link #start} starts them in that order
 * and {@link #close} closes them in the reverse one, each on its own, so a part that fails to close keeps none of the
 * others open. The hub that builds the list owns it and closes it; the list owns its parts.
 *
 * <p>A part belongs to the list from when it is added, started or not — its constructor may already hold a file, a
 * connection or threads — so its close must be safe before its start and after a failed one. A part that fails to
 * start closes the whole list (whoever called start gets no hub to close) and the failure names it.
 */
public final class Components implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);
    private static final AutoCloseable NOTHING = () -> {};

    private record Part(String name, Runnable start, AutoCloseable close) {}

    private final String owner;
    private final List<Part> parts = new ArrayList<>();
    private boolean closed;

    /** @param owner what the parts make up, as failures and logs name it ("central a") */
    public Components(String owner) {
        this.owner = owner;
    }

    /** Adds {@code part}, opened by its constructor: nothing to start, closed with the others; returns it. */
    public <T extends AutoCloseable> T opened(String name, T part) {
        parts.add(new Part(name, () -> {}, part));
        return part;
    }

    /** Adds a part started after those added before it and closed before them. */
    public void add(String name, Runnable start, AutoCloseable close) {
        parts.add(new Part(name, start, close));
    }

    /** Adds a part with nothing of its own to close (what it started goes with a part added before it). */
    public void add(String name, Runnable start) {
        add(name, start, NOTHING);
    }

    /**
     * Starts every part in order. When one fails, closes them all in reverse (what failed to close is suppressed in
     * the failure) and throws an {@link IllegalStateException} naming the part, caused by its failure.
     */
    public void start() {
        for (Part p : parts) {
            try {
                p.start().run();
            } catch (RuntimeException e) {
                IllegalStateException failure = new IllegalStateException(
                        owner + ": " + p.name() + " failed to start (" + e.getMessage() + ")", e);
                closeAfter(failure);
                throw failure;
            }
        }
    }

    /**
     * Closes every part in reverse, adding what fails to close to {@code failure} as suppressed: for an owner whose
     * construction failed after some parts were added, which rethrows {@code failure}.
     */
    public void closeAfter(Throwable failure) {
        closeAll((name, e) -> failure.addSuppressed(e));
    }

    /** Closes every part in reverse, logging what fails to close and going on; a second close does nothing. */
    @Override
    public void close() {
        closeAll((name, e) -> LOG.error("{}: closing {} failed; closing the rest", owner, name, e));
    }

    private void closeAll(BiConsumer<String, Exception> failed) {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = parts.size() - 1; i >= 0; i--) {
            Part p = parts.get(i);
            try {
                p.close().close();
            } catch (Exception e) {
                failed.accept(p.name(), e);
            }
        }
    }
}
