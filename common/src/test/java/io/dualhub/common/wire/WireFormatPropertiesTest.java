package io.dualhub.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The codecs against any input: what they encode they decode unchanged, and bytes that are not a message (random,
 * or a real message with bytes flipped) yield a {@link WireFormatException} and nothing else, so the CentralHub can
 * terminate exactly that message and go on.
 */
class WireFormatPropertiesTest {

    @Property(tries = 300)
    void aBatchRoundTrips(@ForAll("batches") Batch batch) {
        assertThat(BatchCodec.decode(BatchCodec.encode(batch))).isEqualTo(batch);
        assertThat(EdgeMessage.decode(BatchCodec.encode(batch))).isEqualTo(batch);
    }

    @Property(tries = 300)
    void aGapDeclarationRoundTrips(@ForAll("gaps") GapDeclaration gap) {
        assertThat(EdgeMessage.decode(GapCodec.encode(gap))).isEqualTo(gap);
    }

    @Property(tries = 300)
    void aHeartbeatRoundTrips(@ForAll("heartbeats") Heartbeat heartbeat) {
        assertThat(EventCodec.decode(EventCodec.encode(heartbeat), Heartbeat.class))
                .isEqualTo(heartbeat);
    }

    @Property(tries = 2000)
    void randomBytesAreAWireFormatErrorOrAMessage(@ForAll @Size(max = 300) byte[] data) {
        assertOnlyWireFormatErrors(data);
    }

    @Property(tries = 2000)
    void randomBytesBehindAMagicByteAreAWireFormatErrorOrAMessage(
            @ForAll("magic") int magic, @ForAll @Size(max = 300) byte[] rest) {
        byte[] data = new byte[rest.length + 1];
        data[0] = (byte) magic;
        System.arraycopy(rest, 0, data, 1, rest.length);
        assertOnlyWireFormatErrors(data);
    }

    @Property(tries = 2000)
    void aBatchWithFlippedBytesIsAWireFormatErrorOrAMessage(
            @ForAll("batches") Batch batch,
            @ForAll @Size(min = 1, max = 4) List<Integer> positions,
            @ForAll byte flip) {
        assertOnlyWireFormatErrors(flipped(BatchCodec.encode(batch), positions, flip));
    }

    @Property(tries = 1000)
    void aGapWithFlippedBytesIsAWireFormatErrorOrAMessage(
            @ForAll("gaps") GapDeclaration gap,
            @ForAll @Size(min = 1, max = 4) List<Integer> positions,
            @ForAll byte flip) {
        assertOnlyWireFormatErrors(flipped(GapCodec.encode(gap), positions, flip));
    }

    /** A string that is not valid modified UTF-8 in a header: found by review, it escaped as UncheckedIOException. */
    @Test
    void aBrokenStringInAHeaderIsAWireFormatError() {
        byte[] brokenUtf = {0, 2, (byte) 0xC0, 0x20};
        assertThatThrownBy(() -> EdgeMessage.decode(concat(new byte[] {(byte) 0xD1, 2}, brokenUtf)))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> EdgeMessage.decode(concat(new byte[] {(byte) 0xD2, 2, 0}, brokenUtf)))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> BatchCodec.pointCount(concat(new byte[] {(byte) 0xD1, 2}, brokenUtf)))
                .isInstanceOf(WireFormatException.class);
    }

    /**
     * A gap range whose length overflows a long passed the bound on its length and had the decoder allocate 4 GiB
     * (found by the property above, as an OutOfMemoryError): the first sequence is checked to be one before the
     * length is worked out.
     */
    @Test
    void aGapRangeWhoseLengthOverflowsIsAWireFormatError() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0xD2);
            out.writeByte(2);
            out.writeByte(0);
            out.writeUTF("e1");
            out.writeUTF(Incarnations.newId());
            out.writeLong(Long.MIN_VALUE); // from: to - from wraps to a negative long, (int) (to - from + 1) is 2^30
            out.writeLong((1L << 30) - 1); // to
            out.writeLong(0);
        }
        assertThatThrownBy(() -> GapCodec.decode(bytes.toByteArray()))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("gap range");
    }

    @Test
    void aJsonNullIsNotAHeartbeat() {
        assertThatThrownBy(() -> EventCodec.decode("null".getBytes(), Heartbeat.class))
                .isInstanceOf(WireFormatException.class);
    }

    private static void assertOnlyWireFormatErrors(byte[] data) {
        try {
            EdgeMessage.decode(data);
        } catch (WireFormatException expected) {
            // the one permitted failure
        }
        try {
            BatchCodec.pointCount(data);
        } catch (WireFormatException expected) {
            // likewise
        }
        try {
            EventCodec.decode(data, Heartbeat.class);
        } catch (WireFormatException expected) {
            // likewise
        }
    }

    /** The message with the bits of {@code flip} (1 when 0) flipped at each position (taken modulo its length). */
    private static byte[] flipped(byte[] data, List<Integer> positions, byte flip) {
        for (int p : positions) {
            data[Math.floorMod(p, data.length)] ^= flip == 0 ? 1 : flip;
        }
        return data;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Provide
    Arbitrary<Integer> magic() {
        return Arbitraries.of(0xD1, 0xD2);
    }

    @Provide
    Arbitrary<Batch> batches() {
        Arbitrary<List<Point>> points = point().list().ofMaxSize(20);
        return Combinators.combine(
                        edgeIds(),
                        incarnations(),
                        Arbitraries.longs().between(1, Long.MAX_VALUE),
                        Arbitraries.longs(),
                        points)
                .as(Batch::new);
    }

    @Provide
    Arbitrary<GapDeclaration> gaps() {
        return Combinators.combine(
                        edgeIds(),
                        incarnations(),
                        Arbitraries.longs().between(1, 1L << 40),
                        Arbitraries.integers().between(0, 50),
                        Arbitraries.of(GapDeclaration.Reason.class),
                        Arbitraries.longs())
                .as((edge, inc, from, length, reason, at) ->
                        new GapDeclaration(edge, inc, from, from + length, reason, new int[length + 1], at));
    }

    @Provide
    Arbitrary<Heartbeat> heartbeats() {
        return Combinators.combine(
                        edgeIds(),
                        text(40),
                        Arbitraries.longs(),
                        Arbitraries.longs().between(0, 1L << 40),
                        incarnations(),
                        Arbitraries.of("CLOSED", "OPEN", "HALF_OPEN"))
                .as((edge, host, sentAt, seq, inc, breaker) -> new Heartbeat(
                        edge, "dev", sentAt, seq / 2, seq, seq / 3, host, inc, breaker, 0, "Linux", null));
    }

    private static Arbitrary<Point> point() {
        Arbitrary<String> metric = Combinators.combine(
                        Arbitraries.of('a', 'q', 'Z', '_', ':'),
                        Arbitraries.strings()
                                .withCharRange('a', 'z')
                                .withCharRange('0', '9')
                                .withChars('_', ':')
                                .ofMaxLength(60))
                .as((first, rest) -> first + rest);
        Arbitrary<Map<String, String>> tags =
                Arbitraries.maps(text(30).filter(s -> !s.isEmpty()), text(60)).ofMaxSize(8);
        return Combinators.combine(
                        metric,
                        tags,
                        Arbitraries.longs(),
                        Arbitraries.doubles()
                                .withSpecialValue(Double.NaN)
                                .withSpecialValue(-0.0)
                                .withSpecialValue(Double.POSITIVE_INFINITY))
                .as(Point::of);
    }

    /** Any text a strict UTF-8 request body can carry: every code point but unpaired surrogates. */
    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings()
                .withCharRange('\u0000', '\uD7FF')
                .withCharRange('\uE000', '\uFFFF')
                .ofMaxLength(maxLength);
    }

    private static Arbitrary<String> edgeIds() {
        return Arbitraries.strings()
                .withCharRange('a', 'z')
                .withCharRange('A', 'Z')
                .withCharRange('0', '9')
                .withChars('_', '-')
                .ofMinLength(1)
                .ofMaxLength(64);
    }

    private static Arbitrary<String> incarnations() {
        return Arbitraries.strings()
                .withCharRange('0', '9')
                .withCharRange('a', 'f')
                .ofMaxLength(32);
    }
}
