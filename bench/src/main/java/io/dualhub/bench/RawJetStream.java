package io.dualhub.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The references: what plain jnats does on the same server with the same payloads, no dualhub code in the way.
 * Publishing goes to a stream of its own ({@value #STREAM}, configured like the metrics streams), so the
 * CentralHub never sees these messages.
 */
public final class RawJetStream {
    static final String STREAM = "DUALHUB_BENCH";
    private static final String SUBJECT = "bench.raw";
    private final Connection nats;

    private static final int FETCH_MESSAGES = 100;

    public RawJetStream(Connection nats) throws IOException, JetStreamApiException {
        this.nats = nats;
        JetStreamManagement jsm = nats.jetStreamManagement();
        if (!jsm.getStreamNames().contains(STREAM)) {
            jsm.addStream(StreamConfiguration.builder()
                    .name(STREAM)
                    .subjects(SUBJECT + ".>")
                    .storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2))
                    .build());
        }
    }

    /** Every message payload in a stream, in order. */
    public List<byte[]> payloads(String stream) throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement();
        long count = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        List<byte[]> out = new ArrayList<>((int) count);
        JetStreamSubscription sub = nats.jetStream()
                .subscribe(
                        null,
                        PullSubscribeOptions.builder().stream(stream)
                                .configuration(ConsumerConfiguration.builder()
                                        .ackPolicy(AckPolicy.None)
                                        .build())
                                .build());
        while (out.size() < count) {
            // A fetch small enough that its messages stay inside the client's pending limit (64 MiB): past it the
            // client drops them as a slow consumer, and unacknowledged they never come again.
            for (Message m : sub.fetch(FETCH_MESSAGES, Duration.ofSeconds(2))) {
                out.add(m.getData());
            }
        }
        sub.unsubscribe();
        return out;
    }

    /**
     * Publishes the payloads asynchronously with at most {@code window} awaiting their ack, each with its own
     * de-duplication id as the edge does; returns the seconds from the first message stored to the last, by the
     * server's timestamps, as the edge's forwarding is timed.
     */
    public double publish(List<byte[]> payloads, int window, String run) throws Exception {
        JetStream js = nats.jetStream();
        ArrayDeque<CompletableFuture<PublishAck>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < payloads.size(); i++) {
            if (inFlight.size() >= window) {
                inFlight.poll().get(30, TimeUnit.SECONDS);
            }
            Headers h = new Headers().put("Nats-Msg-Id", run + "-" + i);
            inFlight.add(js.publishAsync(NatsMessage.builder()
                    .subject(SUBJECT + "." + run)
                    .headers(h)
                    .data(payloads.get(i))
                    .build()));
        }
        for (CompletableFuture<PublishAck> f : inFlight) {
            f.get(30, TimeUnit.SECONDS);
        }
        JetStreamManagement jsm = nats.jetStreamManagement();
        String subject = SUBJECT + "." + run;
        return Duration.between(
                                jsm.getFirstMessage(STREAM, subject).getTime(),
                                jsm.getLastMessage(STREAM, subject).getTime())
                        .toNanos()
                / 1e9;
    }

    /**
     * Pulls {@code count} messages of {@code stream} through a new durable consumer, fetching as the CentralHub does
     * ({@code fetchBatch} at a time) and acknowledging each; returns the seconds it took.
     */
    public double consume(String stream, long count, int fetchBatch) throws Exception {
        String durable = "bench-raw";
        JetStreamSubscription sub = nats.jetStream()
                .subscribe(
                        null,
                        PullSubscribeOptions.builder().stream(stream)
                                .durable(durable)
                                .configuration(ConsumerConfiguration.builder()
                                        .ackPolicy(AckPolicy.Explicit)
                                        .maxAckPending(10_000)
                                        .build())
                                .build());
        long seen = 0;
        long start = System.nanoTime();
        while (seen < count) {
            for (Message m : sub.fetch(fetchBatch, Duration.ofSeconds(1))) {
                m.ack();
                seen++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sub.unsubscribe();
        nats.jetStreamManagement().deleteConsumer(stream, durable);
        return seconds;
    }

    /**
     * The transport's own latency: {@code perSecond} messages of {@code size} bytes for {@code seconds}, each
     * carrying its send time, published to JetStream and delivered to a push consumer; returns the latencies in ms,
     * sorted.
     */
    public double[] latencies(int perSecond, int size, int seconds) throws Exception {
        int total = perSecond * seconds;
        double[] latencies = new double[total];
        CountDownLatch received = new CountDownLatch(total);
        Dispatcher d = nats.createDispatcher();
        String subject = SUBJECT + ".latency";
        nats.jetStream()
                .subscribe(
                        subject,
                        d,
                        m -> {
                            int i = (int) received.getCount();
                            long sent = ByteBuffer.wrap(m.getData()).getLong();
                            latencies[total - i] = (System.nanoTime() - sent) / 1e6;
                            received.countDown();
                        },
                        true,
                        PushSubscribeOptions.builder().stream(STREAM).build());
        JetStream js = nats.jetStream();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing, not awaiting a condition
            }
            byte[] payload = new byte[size];
            ByteBuffer.wrap(payload).putLong(System.nanoTime());
            js.publishAsync(subject, payload);
        }
        received.await(30, TimeUnit.SECONDS);
        nats.closeDispatcher(d);
        double[] sorted = Arrays.copyOf(latencies, total - (int) received.getCount());
        Arrays.sort(sorted);
        return sorted;
    }

    /** The {@code p}-th percentile (0..100) of sorted values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    /** Removes the stream of the references. */
    public void drop() throws IOException, JetStreamApiException {
        nats.jetStreamManagement().deleteStream(STREAM);
    }
}
