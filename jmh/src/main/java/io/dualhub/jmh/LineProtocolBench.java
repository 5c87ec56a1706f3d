package io.dualhub.jmh;

import io.dualhub.common.wire.Point;
import io.dualhub.edge.ingest.LineProtocolParser;
import io.dualhub.edge.ingest.Precision;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The edge's line-protocol parser, per line, on a 5,000-line request body. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@OperationsPerInvocation(SampleData.POINTS)
public class LineProtocolBench {
    private final String body = SampleData.lineProtocol();

    @Benchmark
    public List<Point> parse() {
        return new LineProtocolParser(Precision.MS, 1_763_860_210_000L).parse(body);
    }
}
