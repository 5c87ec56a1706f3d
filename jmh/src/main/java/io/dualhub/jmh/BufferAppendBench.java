package io.dualhub.jmh;

import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.EdgeBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The durable append, per point: a 5,000-point write cut into batches, encoded and appended to the Chronicle Queue
 * buffer (memory-mapped; {@code buffer.sync} off, the default), in a fresh buffer per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Dchronicle.analytics.disable=true"
        })
@OperationsPerInvocation(SampleData.POINTS)
public class BufferAppendBench {
    private final List<Point> points = SampleData.points();
    private Path dir;
    private EdgeBuffer buffer;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("dualhub-jmh-buffer-");
        buffer = new EdgeBuffer(
                dir,
                "bench-edge",
                Clock.systemUTC(),
                BufferSettings.from(BufferSettings.unbounded(512 * 1024))
                        .retention(Duration.ZERO)
                        .build());
    }

    @Benchmark
    public EdgeBuffer.SeqRange append() {
        return buffer.append(points);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        buffer.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
