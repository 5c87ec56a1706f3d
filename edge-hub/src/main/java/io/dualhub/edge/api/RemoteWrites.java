package io.dualhub.edge.api;

import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.ingest.BadWriteException;
import io.dualhub.edge.ingest.RemoteWriteDecoder;
import io.dualhub.edge.ingest.WriteTooLargeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

/**
 * Prometheus remote write 1.0 into the edge buffer ({@code POST /api/v1/write} with {@code Content-Type:
 * application/x-protobuf}): 204 once every new sample is durably appended, a retry taken once
 * ({@link IdempotentWrites}).
 */
@Singleton
public class RemoteWrites {
    private final EdgeAgent agent;
    private final IdempotentWrites writes;
    private final OutcomeCounts counts;

    public RemoteWrites(EdgeAgent agent, IdempotentWrites writes, MeterRegistry meters) {
        this.agent = agent;
        this.writes = writes;
        this.counts = new OutcomeCounts(
                meters,
                "dualhub.edge.remote.write.samples",
                "Remote-write samples by outcome: accepted (staleness markers included), duplicate (a retry, left"
                        + " out), not-finite, native-histogram (not kept)");
    }

    WriteOutcome write(byte[] body) {
        RemoteWriteDecoder.Decoded decoded;
        try {
            decoded = new RemoteWriteDecoder(
                            agent.config().maxBodyBytes(), agent.config().maxPoints())
                    .decode(body == null ? new byte[0] : body);
        } catch (WriteTooLargeException e) {
            return WriteOutcome.refused(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage(), null);
        } catch (BadWriteException e) {
            return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        }
        IdempotentWrites.Appended appended = writes.append(decoded.points());
        if (appended.outcome().stored()) {
            counts.count("accepted", appended.fresh());
            counts.count("duplicate", decoded.points().size() - appended.fresh());
            counts.count("not-finite", decoded.notFinite());
            counts.count("native-histogram", decoded.histograms());
        }
        return appended.outcome();
    }
}
