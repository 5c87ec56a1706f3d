package io.dualhub.central.export;

import io.dualhub.common.MetricsRoute;
import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.Error;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A replay route's two readers on NATS: the stream leader's message gets and an ordered consumer's bulk reads. */
final class ReplayReaders {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayReaders.class);
    /** How long a message get waits for the leader's answer: what jnats waits for any JetStream API answer. */
    static final Duration LEADER_ANSWER_WAIT = JetStreamOptions.DEFAULT_TIMEOUT;

    private ReplayReaders() {}

    /**
     * The stream leader's copy, through the stream's message-get API sent as it is ({@code $JS.API.STREAM.MSG.GET}):
     * only the stream's leader answers it. Not through jnats' {@code getNextMessage}, which switches to the direct-get
     * API, answered by any replica, once a stream allows direct gets.
     */
    static final class LeaderGets implements ExportReplay.Leader {
        private final Connection c;
        private final String stream;
        private final String subjects;

        LeaderGets(Connection c, String stream, String subjects) {
            this.c = c;
            this.stream = stream;
            this.subjects = subjects;
        }

        @Override
        public ExportReplay.Replayed next(long seq) throws IOException, JetStreamApiException {
            Message answer;
            try {
                answer = c.request(
                        "$JS.API.STREAM.MSG.GET." + stream,
                        MessageGetRequest.nextForSubject(seq, subjects).serialize(),
                        LEADER_ANSWER_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking the leader of " + stream, e);
            }
            if (answer == null || answer.isStatusMessage()) {
                throw new IOException("no answer from the leader of " + stream + " within " + LEADER_ANSWER_WAIT
                        + (answer == null ? "" : " (" + answer.getStatus() + ")"));
            }
            MessageInfo m = new MessageInfo(answer, stream, false);
            if (m.hasError() && m.getApiErrorCode() == Error.JsNoMessageFoundErr.getApiErrorCode()) {
                return null;
            }
            m.throwOnHasError();
            byte[] data = m.getData();
            return new ExportReplay.Replayed(
                    m.getSubject(),
                    data == null ? new byte[0] : data,
                    m.getTime().toInstant().toEpochMilli(),
                    m.getSeq());
        }

        @Override
        public long lastSeq() throws IOException, JetStreamApiException {
            return c.jetStreamManagement()
                    .getStreamInfo(stream)
                    .getStreamState()
                    .getLastSequence();
        }
    }

    /**
     * An ordered consumer of the route's subjects, made again from where the replay stands when the leader's answers
     * took the replay past what it delivered, or after it failed: it is only the fast path, so its failures are an
     * empty answer (the leader answers instead), never the replay's.
     */
    static final class OrderedBulk implements ExportReplay.Bulk {
        private final Connection c;
        private final MetricsRoute route;
        private final String subjects;
        private OrderedConsumerContext ordered; // null until the first fetch, and after a failure
        private long delivered; // the last sequence it delivered, or the one before where it was made to start

        OrderedBulk(Connection c, MetricsRoute route, String subjects) {
            this.c = c;
            this.route = route;
            this.subjects = subjects;
        }

        @Override
        public List<Message> fetch(long after, int maxMessages, int maxBytes) throws InterruptedException {
            try {
                if (ordered == null || after > delivered) {
                    ordered = c.getStreamContext(route.stream())
                            .createOrderedConsumer(new OrderedConsumerConfiguration()
                                    .filterSubject(subjects)
                                    .deliverPolicy(DeliverPolicy.ByStartSequence)
                                    .startSequence(after + 1));
                    delivered = after;
                }
                List<Message> got = new ArrayList<>();
                ExportFeed.drain(
                        ordered.fetch(FetchConsumeOptions.builder()
                                .maxMessages(maxMessages)
                                .maxBytes(maxBytes)
                                .noWait()
                                .build()),
                        route,
                        got);
                if (!got.isEmpty()) {
                    delivered = got.get(got.size() - 1).metaData().streamSequence();
                }
                return got;
            } catch (InterruptedException e) {
                throw e;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                LOG.debug(
                        "replaying {}: the ordered consumer failed ({}); asking the leader",
                        route.stream(),
                        e.toString());
                ordered = null;
                return List.of();
            }
        }
    }
}
