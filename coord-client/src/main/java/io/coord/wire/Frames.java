package io.coord.wire;

/** Length-prefixed packets: an int32 payload length (not counting itself), then the payload. */
public final class Frames {
    public static final int LENGTH_PREFIX_BYTES = 4;

    private Frames() {
    }

    /** Appends one framed packet made of the given records (nulls are skipped) to {@code out}. */
    public static void writeFramed(JuteWriter out, JuteRecord... records) {
        int start = out.size();
        out.writeInt(0);
        for (JuteRecord r : records) {
            if (r != null) {
                r.write(out);
            }
        }
        out.putIntAt(start, out.size() - start - LENGTH_PREFIX_BYTES);
    }

    /** One framed packet made of the given records (nulls are skipped). */
    public static byte[] frame(JuteRecord... records) {
        JuteWriter out = new JuteWriter(128);
        writeFramed(out, records);
        return out.toByteArray();
    }
}
