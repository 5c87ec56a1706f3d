package io.dualhub.central.export;

import io.dualhub.common.MetricsRoute;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * answers is replayed (from the leader's copy if the consumer lacks it). A route is read out when the leader has none
 * up to the route's end and holds the route's end itself: a node that still takes itself for the leader for a moment
 * after a pause, short of it, is asked again. A replay that trusted the consumer gave up a batch both hubs stored as
 * "no longer in the streams" in two quick chaos runs after a node fault (paused-old-leader, partition-leader), most
 * likely this way.
 *
 * <p>Cost: in the whole site's case a route's messages are consecutive sequences, so the leader is asked at the ends
 * and where the consumer lacked something. On a partitioned site the streams interleave the groups' messages, so it
 * is asked about nearly every one: a round trip a message.
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

    /** The stream leader's answers for a route. */
    interface Leader {
        /** The route's first message at or after {@code seq}; null when the stream holds none. */
        Replayed next(long seq) throws IOException, JetStreamApiException;

        /** The stream's last sequence as the answering leader holds it. */
        long lastSeq() throws IOException, JetStreamApiException;
    }

    /**
     * The route's bulk reader (an ordered consumer): its next messages after {@code after} in stream order, perhaps
     * none and perhaps some at or before {@code after}. It never fails: a reader that could not read answers empty,
     * and the leader is asked instead.
     */
    interface Bulk {
        List<Message> fetch(long after, int maxMessages, int maxBytes) throws InterruptedException;
    }

    /** One route: its readers, where it ends, and how far it is replayed. */
    static final class Route {
        private final MetricsRoute route;
        private final Bulk bulk;
        private final Leader leader;
        private final long lastSeq;
        // read from the bulk and not replayed yet, by sequence; dropped only once a chunk is replayed, so a call that
        // fails leaves them for the next one
        private final TreeMap<Long, Message> fetched = new TreeMap<>();
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
     * bisection with the leader's answers (about 20 for a million messages). It takes a stream's messages to be in
     * publish order: each leader stamps them as it stores them, so this holds across leader changes as far as the
     * nodes' clocks agree (a replay starts a minute or more before what it is for).
     */
    static long firstPublishedFrom(Leader leader, long held, long lastSeq, long sinceMs)
            throws IOException, JetStreamApiException {
        long lo = Math.max(1, held);
        long hi = lastSeq + 1;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            Replayed m = leader.next(mid);
            if (m != null && m.seq() < mid) {
                throw new IllegalStateException("BUG: the leader's next message at or after " + mid + " is " + m.seq());
            }
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
                c.route.fetched.headMap(c.to, true).clear();
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
        boolean bulkDry = false; // the bulk brought nothing new once in this call: the leader answers the rest
        while (got.size() < maxMessages && bytes < maxBytes && at < r.lastSeq) {
            Map.Entry<Long, Message> cached = r.fetched.higherEntry(at);
            if (cached == null && !bulkDry) {
                r.bulk.fetch(at, maxMessages, maxBytes)
                        .forEach(m -> r.fetched.put(m.metaData().streamSequence(), m));
                cached = r.fetched.higherEntry(at);
                bulkDry = cached == null;
            }
            Replayed m = cached != null && cached.getKey() == at + 1
                    ? Replayed.of(cached.getValue()) // the very next sequence: nothing can lie between
                    : leaderNext(r, at); // a gap, or nothing fetched: only the leader can say what is there
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

    /** The leader's next message of the route after {@code at}; null when it holds none up to the route's end. */
    private static Replayed leaderNext(Route r, long at) throws IOException, JetStreamApiException {
        Replayed m = r.leader.next(at + 1);
        if (m != null && m.seq() <= at) {
            throw new IllegalStateException(
                    "BUG: the leader's next message of " + r.route.stream() + " after " + at + " is " + m.seq());
        }
        if (m == null) {
            // the durable consumer was delivered a message of the route at lastSeq, and only age removes messages
            // (from the front): a leader without any from here that is short of lastSeq has not caught up yet
            long held = r.leader.lastSeq();
            if (held < r.lastSeq) {
                throw new IOException("the leader of " + r.route.stream() + " holds up to " + held + ", short of "
                        + r.lastSeq + " that the export's consumer was delivered: not caught up yet");
            }
        }
        return m == null || m.seq() > r.lastSeq ? null : m;
    }
}
