package io.dualhub.central.export;

import io.dualhub.common.MetricsRoute;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A replay's progress over both metrics routes: every message of a route's subjects from the first one published at
 * or after the replay's start up to where the export's durable consumer stood when it began, each once and in stream
 * order. Used by the exporter thread only.
 *
 * <p>The stream's leader is the authority on what the stream holds. The bulk is read with an ordered consumer, which
 * is fast but has a single replica, placed on any node of its stream and reading that node's copy: a copy still
 * catching up after a pause or a partition runs out early (its last message then says none are pending) or skips
 * what it lacks. So the replay never takes the consumer's word for where the route ends or for what lies between
 * two of its messages: wherever the next message is not the very next sequence, and wherever the consumer brings
 * nothing, the leader is asked for the route's next message after the last one replayed ({@link Leader}). What it
 * answers is replayed (from the leader's copy if the consumer lacks it); once it has none up to the route's end, the
 * route is read out. A replay that trusted the consumer gave up a batch both hubs stored as "no longer in the streams"
 * in two quick chaos runs after a node fault (paused-old-leader, partition-leader), most likely this way.
 *
 * <p>A NATS error (no leader yet, a timeout) leaves every route where it was: the exporter calls {@link #next} again
 * after its pause, and nothing is skipped or replayed twice.
 */
final class ExportReplay {
    /** One message of the replay, from the consumer or the leader alike. */
    record Replayed(String subject, byte[] data, long atMs, long seq) {
        static Replayed of(Message m) {
            return new Replayed(
                    m.getSubject(),
                    m.getData(),
                    m.metaData().timestamp().toInstant().toEpochMilli(),
                    m.metaData().streamSequence());
        }
    }

    /** The stream leader's answer for a route. */
    interface Leader {
        /** The route's first message at or after {@code seq}; null when the stream holds none. */
        Replayed next(long seq) throws IOException, JetStreamApiException;
    }

    /** The route's bulk reader: its next messages in stream order, perhaps none (an ordered consumer). */
    interface Bulk {
        List<Message> fetch(int maxMessages, int maxBytes)
                throws IOException, JetStreamApiException, InterruptedException;
    }

    /** One route: its readers, where it ends, and how far it is replayed. */
    static final class Route {
        private final MetricsRoute route;
        private final Bulk bulk;
        private final Leader leader;
        private final long lastSeq;
        private final Deque<Message> fetched = new ArrayDeque<>(); // read from the bulk, not replayed yet
        private long replayedTo; // the sequence of the last message replayed (or just before the first)

        /** Replays {@code route} from sequence {@code firstSeq} up to {@code lastSeq}, both included. */
        Route(MetricsRoute route, Bulk bulk, Leader leader, long firstSeq, long lastSeq) {
            this.route = route;
            this.bulk = bulk;
            this.leader = leader;
            this.replayedTo = firstSeq - 1;
            this.lastSeq = lastSeq;
        }
    }

    private final List<Route> left;

    /**
     * Where a route's replay from {@code sinceMs} starts: the first sequence from {@code held} (the stream's first)
     * whose next message of the route was published at or after {@code sinceMs}, or is past {@code lastSeq}; found by
     * bisection with the leader's answers (about 20 for a million messages). A stream's messages are in publish order
     * (its leader stamps them as it stores them), so everything of the route from there on is at or after it.
     */
    static long firstPublishedFrom(Leader leader, long held, long lastSeq, long sinceMs)
            throws IOException, JetStreamApiException {
        long lo = Math.max(1, held);
        long hi = lastSeq + 1;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            Replayed m = leader.next(mid);
            if (m == null || m.seq() > lastSeq || m.atMs() >= sinceMs) {
                hi = mid;
            } else {
                lo = m.seq() + 1; // everything of the route up to it was published before
            }
        }
        return lo;
    }

    ExportReplay(List<Route> routes) {
        this.left = new ArrayList<>(routes);
    }

    /**
     * The next messages of the replay: up to {@code maxMessages} (and about {@code maxBytes}) from each route not read
     * out yet, as the durable consumers' fetches bring both routes together; empty once every route is read out.
     */
    List<Replayed> next(int maxMessages, int maxBytes) throws IOException, JetStreamApiException, InterruptedException {
        List<Replayed> messages = new ArrayList<>();
        while (messages.isEmpty() && !left.isEmpty()) {
            List<Chunk> chunks = new ArrayList<>();
            for (Route r : left) {
                chunks.add(read(r, maxMessages, maxBytes));
            }
            for (Chunk c : chunks) { // only once every route was read: a route that failed moves none on
                c.route.replayedTo = c.to;
                messages.addAll(c.messages);
                if (c.messages.isEmpty()) {
                    left.remove(c.route);
                }
            }
        }
        return messages;
    }

    /** A route's next messages, and the sequence it is replayed to with them (its end when there are none). */
    private record Chunk(Route route, List<Replayed> messages, long to) {}

    private static Chunk read(Route r, int maxMessages, int maxBytes)
            throws IOException, JetStreamApiException, InterruptedException {
        List<Replayed> got = new ArrayList<>();
        long at = r.replayedTo;
        long bytes = 0;
        while (got.size() < maxMessages && bytes < maxBytes && at < r.lastSeq) {
            Replayed m = nextAfter(r, at, maxMessages, maxBytes);
            if (m == null) {
                at = r.lastSeq; // read out
                break;
            }
            got.add(m);
            at = m.seq();
            bytes += m.data().length;
        }
        return new Chunk(r, got, got.isEmpty() ? r.lastSeq : at);
    }

    /** The route's message after {@code at}; null when the stream holds none up to the route's end. */
    private static Replayed nextAfter(Route r, long at, int maxMessages, int maxBytes)
            throws IOException, JetStreamApiException, InterruptedException {
        dropThrough(r.fetched, at);
        if (r.fetched.isEmpty()) {
            r.fetched.addAll(r.bulk.fetch(maxMessages, maxBytes));
            dropThrough(r.fetched, at);
        }
        if (!r.fetched.isEmpty() && r.fetched.peek().metaData().streamSequence() == at + 1) {
            // the very next sequence: nothing can lie between. Taken off the cache now; should another route fail
            // in this call, the leader brings it again next time
            return Replayed.of(r.fetched.poll());
        }
        Replayed m = r.leader.next(at + 1); // a gap, or nothing fetched: only the leader can say what is there
        if (m == null || m.seq() > r.lastSeq) {
            return null;
        }
        if (m.seq() <= at) {
            throw new IllegalStateException(
                    "BUG: the leader's next message of " + r.route.stream() + " after " + at + " is " + m.seq());
        }
        return m;
    }

    private static void dropThrough(Deque<Message> fetched, long seq) {
        while (!fetched.isEmpty() && fetched.peek().metaData().streamSequence() <= seq) {
            fetched.poll();
        }
    }
}
