package io.dualhub.jmh;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The batch wire codec, per point: encoding on the edge before a batch is buffered, decoding on the CentralHub. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@OperationsPerInvocation(SampleData.POINTS)
public class CodecBench {
    private Batch batch;
    private byte[] encoded;

    @Setup
    public void setUp() {
        batch = new Batch("bench-edge", "", 1, 1_763_860_210_000L, SampleData.points());
        encoded = BatchCodec.encode(batch);
    }

    @Benchmark
    public byte[] encode() {
        return BatchCodec.encode(batch);
    }

    @Benchmark
    public Batch decode() {
        return BatchCodec.decode(encoded);
    }
}
