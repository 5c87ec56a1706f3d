package io.dualhub.central.export;

import io.dualhub.central.stream.ReadPositions;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.nats.NatsLink;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * One export target's durable pull consumers on both metrics streams: the target's checkpoint. A message is
 * acknowledged only once its points are in the receiver, so the consumers' state in NATS (replicated with the
 * streams) is where the export stands, the same for every hub; whichever hub leads pulls from them and goes on where
 * the last one stopped. On a partitioned site each group has its own consumers, reading its own edges' subjects.
 * Used by the target's exporter thread only.
 */
final class ExportFeed {
    /** Messages delivered and not yet acknowledged at most: about eight fetches. */
    static final int MAX_ACK_PENDING = 10_000;

    private final NatsLink nats;
    private final String durable;
    private final Partition partition;
    private final Duration ackWait;
    private final int maxAckPending;
    // the connection the consumers were last made sure of; null until then and after every reconnect (jnats keeps
    // one Connection across reconnects; set by the exporter thread, cleared by jnats' on a reconnect)
    private volatile Connection readyOn;
    // each route's consumer as the fetches read it. Looking one up asks the server for its stream's and its own info
    // (two round trips and their JSON, which every fetch paid before) and fails when the consumer is gone, which a
    // fetch on a context does not (it comes back empty): so they are kept while there is something to fetch, and
    // looked up again after a fetch waited and got nothing, and on a new connection
    private final EnumMap<MetricsRoute, ConsumerContext> consumers = new EnumMap<>(MetricsRoute.class);

    ExportFeed(NatsLink nats, String durable, Partition partition, Duration ackWait, int maxAckPending) {
        this.nats = nats;
        this.durable = durable;
        this.partition = partition;
        this.ackWait = ackWait;
        this.maxAckPending = maxAckPending;
        nats.onReconnect(this::recheck);
    }

    String durable() {
        return durable;
    }

    /**
     * Makes sure of both consumers (created at the start of each stream, so a new target gets everything the streams
     * hold) once per connection and again after every reconnect; false while NATS is not connected.
     */
    boolean ready() throws IOException, JetStreamApiException {
        Connection c = nats.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return false;
        }
        if (c != readyOn) {
            for (MetricsRoute route : MetricsRoute.values()) {
                ensure(c, route);
            }
            consumers.clear();
            readyOn = c;
        }
        return true;
    }

    /** Forgets that the consumers were there, so the next {@link #ready()} checks them again (after an error). */
    void recheck() {
        readyOn = null;
    }

    /**
     * Creates the consumer, or updates it with the same settings when it exists: an update makes every node of its
     * group run its creation again, which is meant to bring back the consumer on a node that lost it (a node
     * restarted after kill -9), as the hubs' ingest consumers are made sure of after every reconnect.
     */
    private void ensure(Connection c, MetricsRoute route) throws IOException, JetStreamApiException {
        c.jetStreamManagement()
                .addOrUpdateConsumer(
                        route.stream(),
                        ConsumerConfiguration.builder()
                                .durable(durable)
                                .filterSubject(partition.subjects(route))
                                .ackPolicy(AckPolicy.Explicit)
                                .deliverPolicy(DeliverPolicy.All)
                                .ackWait(ackWait)
                                .maxAckPending(maxAckPending)
                                .maxDeliver(-1) // never given up: a receiver may be down for days
                                .build());
    }

    /**
     * Up to {@code maxMessages} (and about {@code maxBytes}) from each route: what is there at once; when neither has
     * anything, waits up to {@code wait} (at least 1 s, JetStream's least) on the primary route for a message.
     */
    List<Message> fetch(int maxMessages, int maxBytes, Duration wait)
            throws IOException, JetStreamApiException, InterruptedException {
        List<Message> messages = fetchNow(maxMessages, maxBytes);
        if (messages.isEmpty()) {
            fetch(
                    MetricsRoute.PRIMARY,
                    FetchConsumeOptions.builder()
                            .maxMessages(maxMessages)
                            .maxBytes(maxBytes)
                            .expiresIn(Math.max(1000, wait.toMillis())),
                    messages);
            if (messages.isEmpty()) {
                consumers.clear(); // nothing there, or a consumer gone: looked up again next time
            }
        }
        return messages;
    }

    /** Up to {@code maxMessages} (and about {@code maxBytes}) from each route: what is there at once, perhaps none. */
    List<Message> fetchNow(int maxMessages, int maxBytes)
            throws IOException, JetStreamApiException, InterruptedException {
        List<Message> messages = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            fetch(
                    route,
                    FetchConsumeOptions.builder()
                            .maxMessages(maxMessages)
                            .maxBytes(maxBytes)
                            .noWait(),
                    messages);
        }
        return messages;
    }

    private void fetch(MetricsRoute route, FetchConsumeOptions.Builder options, List<Message> into)
            throws IOException, JetStreamApiException, InterruptedException {
        ConsumerContext consumer = consumers.get(route);
        if (consumer == null) {
            consumer = nats.connection().getConsumerContext(route.stream(), durable);
            consumers.put(route, consumer);
        }
        drain(consumer.fetch(options.build()), route, into);
    }

    /** Every message of {@code fetch} into {@code into}, then closes it. */
    static void drain(FetchConsumer fetch, MetricsRoute route, List<Message> into)
            throws IOException, JetStreamApiException, InterruptedException {
        try (fetch) {
            for (Message m = fetch.nextMessage(); m != null; m = fetch.nextMessage()) {
                into.add(m);
            }
        } catch (JetStreamApiException | IOException | InterruptedException e) {
            throw e;
        } catch (Exception e) { // FetchConsumer.close declares Exception
            throw new IOException("fetching from " + route.stream() + ": " + e, e);
        }
    }

    /**
     * Every message both routes hold that was published from {@code sinceMs} and already delivered to an exporter
     * (acknowledged or still in work), read apart from the durable consumers, which are not touched. Not what was
     * never delivered: sent first, a backlog's newest points would put the receiver's series ahead of its older ones,
     * which Prometheus then refuses as out of order.
     */
    ExportReplay replay(long sinceMs) throws IOException, JetStreamApiException {
        Connection c = nats.connection();
        JetStreamManagement jsm = c.jetStreamManagement();
        List<ExportReplay.Route> routes = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            String subjects = partition.subjects(route);
            long last =
                    jsm.getConsumerInfo(route.stream(), durable).getDelivered().getStreamSequence();
            ExportReplay.Leader leader = new ReplayReaders.LeaderGets(c, route.stream(), subjects);
            long held = jsm.getStreamInfo(route.stream()).getStreamState().getFirstSequence();
            long first = ExportReplay.firstPublishedFrom(leader, held, last, sinceMs);
            routes.add(new ExportReplay.Route(
                    route, new ReplayReaders.OrderedBulk(c, route, subjects), leader, first, last));
        }
        return new ExportReplay(routes);
    }

    /** Where the consumers stand on both metrics streams. */
    ReadPositions positions() throws IOException, JetStreamApiException {
        return ReadPositions.of(nats.connection().jetStreamManagement(), durable);
    }

    /** Per route (in {@link MetricsRoute} order), the stream's last sequence. */
    long[] streamEnds() throws IOException, JetStreamApiException {
        return ReadPositions.streamEnds(nats.connection().jetStreamManagement());
    }
}
