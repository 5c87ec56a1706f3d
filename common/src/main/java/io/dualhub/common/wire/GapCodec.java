package io.dualhub.common.wire;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary wire form of a {@link GapDeclaration}: magic {@code 0xD2}, version byte, reason byte (0 overflow,
 * 1 expired), edge id and incarnation (modified UTF-8; no incarnation in version 1, still read), fromSeq, toSeq,
 * declaredAtMs (int64 each), then one int32 point count per
 * sequence.
 */
public final class GapCodec {
    static final int MAGIC = 0xD2;
    static final int VERSION = 2;
    /** More batches than one declaration ever covers; bounds what a corrupt range could allocate. */
    public static final int MAX_BATCHES = 100_000;

    private GapCodec() {}

    public static byte[] encode(GapDeclaration gap) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + gap.pointCounts().length * 4);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(gap.reason().ordinal());
            out.writeUTF(gap.edgeId());
            out.writeUTF(gap.incarnation());
            out.writeLong(gap.fromSeq());
            out.writeLong(gap.toSeq());
            out.writeLong(gap.declaredAtMs());
            for (int count : gap.pointCounts()) {
                out.writeInt(count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static GapDeclaration decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteSource(data))) {
            if (in.readUnsignedByte() != MAGIC) {
                throw new WireFormatException("not a gap declaration: magic byte is not 0xd2");
            }
            int version = in.readUnsignedByte();
            if (version > VERSION) {
                throw new NewerFormatException("gap declaration", version, VERSION);
            }
            if (version < 1) {
                throw new WireFormatException("unsupported gap declaration version " + version);
            }
            int reason = in.readUnsignedByte();
            if (reason >= GapDeclaration.Reason.values().length) {
                throw new WireFormatException("unknown gap reason " + reason);
            }
            String edgeId = in.readUTF();
            String incarnation = version >= 2 ? in.readUTF() : "";
            long from = in.readLong();
            long to = in.readLong();
            long declaredAt = in.readLong();
            if (from < 1 || to < from || to - from >= MAX_BATCHES) { // from first: to - from cannot overflow then
                throw new WireFormatException(
                        "gap range " + from + ".." + to + " is invalid or longer than " + MAX_BATCHES);
            }
            int[] counts = new int[(int) (to - from + 1)];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = in.readInt();
            }
            if (in.available() > 0) {
                throw new WireFormatException(in.available() + " trailing bytes after the gap declaration");
            }
            return new GapDeclaration(
                    edgeId, incarnation, from, to, GapDeclaration.Reason.values()[reason], counts, declaredAt);
        } catch (EOFException e) {
            throw new WireFormatException("gap declaration truncated", e);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid gap declaration: " + e.getMessage(), e);
        } catch (IOException e) {
            throw BatchCodec.unreadable("gap declaration", e);
        }
    }
}
