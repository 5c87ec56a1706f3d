package io.dualhub.central.ingest;

import io.nats.client.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Messages handed from jnats' dispatcher thread to the ingest thread as they arrive, decoded on the way
 * ({@link Arrival}), bounded in payload bytes: while the budget is spent the dispatcher waits, so a backlog pulled
 * from both routes cannot fill the heap (a decoded point takes about three times its encoded bytes, so the heap holds
 * about four times the budget here at most). What is handed over is not yet acknowledged; anything lost here is
 * redelivered by JetStream.
 */
final class Arrivals {
    private static final long OFFER_SLICE_MS = 100;
    private final LinkedBlockingQueue<Arrival> queue = new LinkedBlockingQueue<>();
    private final Semaphore bytes;
    private final int budget;

    Arrivals(int budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("budget must be >= 1 byte");
        }
        this.budget = budgetBytes;
        this.bytes = new Semaphore(budgetBytes);
    }

    /**
     * Hands a message over, waiting while the budget is spent, and decodes it once there is room; gives up (false)
     * once {@code open} turns false, and the message, never acknowledged, comes again.
     */
    boolean put(Message m, BooleanSupplier open) throws InterruptedException {
        int cost = cost(m);
        while (!bytes.tryAcquire(cost, OFFER_SLICE_MS, TimeUnit.MILLISECONDS)) {
            if (!open.getAsBoolean()) {
                return false;
            }
        }
        queue.add(Arrival.of(m));
        return true;
    }

    /**
     * Waits up to {@code wait} for the first message, then takes what else is there, {@code max} messages in all;
     * empty when none came.
     */
    List<Arrival> take(Duration wait, int max) throws InterruptedException {
        Arrival first = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<Arrival> taken = new ArrayList<>();
        taken.add(first);
        queue.drainTo(taken, max - 1);
        bytes.release(taken.stream().mapToInt(a -> cost(a.message())).sum());
        return taken;
    }

    /** A message's share of the budget: its payload, at least 1 byte, at most the whole budget (so it always fits). */
    private int cost(Message m) {
        byte[] data = m.getData();
        return Math.max(1, Math.min(budget, data == null ? 0 : data.length));
    }
}
