package io.dualhub.bench;

import io.micronaut.runtime.Micronaut;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The footprint stage's references for what the edge is built on, with none of the edge's own code: what the design
 * card's parts cost a host before the edge adds anything.
 *
 * <ul>
 *   <li>{@code PORT}: Micronaut as the edge runs it (the Netty HTTP server, serde, the health and Prometheus
 *       endpoints, Micrometer, logback), serving on {@code PORT}.
 *   <li>{@code PORT QUEUE_DIR NATS_URL}: the same, and the edge's data-path libraries at work: a Chronicle Queue opened
 *       as the edge opens its buffer (hourly files mapped in 4 MiB blocks, the edge's smallest), an entry of a
 *       batch's size appended and read back every second, and a jnats connection publishing it.
 * </ul>
 */
public final class BareEdgeStack {
    private static final long BLOCK_BYTES = 4L << 20;
    private static final int ENTRY_BYTES = 2048;

    private BareEdgeStack() {}

    public static void main(String[] args) throws Exception {
        Micronaut.build(new String[0])
                .banner(false)
                .properties(Map.of(
                        "micronaut.application.name", "bare-edge-stack",
                        "micronaut.server.port", Integer.parseInt(args[0]),
                        "micronaut.metrics.enabled", true,
                        "micronaut.metrics.export.prometheus.enabled", true,
                        "endpoints.all.enabled", false,
                        "endpoints.all.sensitive", false,
                        "endpoints.health.enabled", true,
                        "endpoints.prometheus.enabled", true))
                .start();
        if (args.length == 3) {
            appendAndPublish(Path.of(args[1]), args[2]);
        }
    }

    private static void appendAndPublish(Path queueDir, String natsUrl) throws Exception {
        byte[] entry = new byte[ENTRY_BYTES];
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(queueDir)
                        .rollCycle(RollCycles.FAST_HOURLY)
                        .blockSize(BLOCK_BYTES)
                        .build();
                ExcerptAppender appender = queue.createAppender();
                ExcerptTailer tailer = queue.createTailer();
                Connection nats = Nats.connect(natsUrl)) {
            while (true) { // until the bench kills it
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(entry);
                }
                try (DocumentContext dc = tailer.readingDocument()) {
                    Bytes<?> bytes = dc.wire().bytes();
                    bytes.read(entry, 0, (int) bytes.readRemaining());
                }
                nats.publish("bench.footprint", entry);
                Thread.sleep(1000); // the pace of a light load, not a wait for a condition
            }
        }
    }
}
