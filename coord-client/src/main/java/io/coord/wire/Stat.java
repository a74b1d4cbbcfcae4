package io.coord.wire;

/** A znode's metadata exactly as the jute {@code Stat} record carries it. */
public record Stat(long czxid, long mzxid, long ctime, long mtime, int version, int cversion,
                   int aversion, long ephemeralOwner, int dataLength, int numChildren, long pzxid)
        implements JuteRecord {

    public static final Stat EMPTY = new Stat(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    /** Encoded size in bytes: 6 longs and 5 ints. */
    public static final int BYTES = 6 * 8 + 5 * 4;

    @Override
    public void write(JuteWriter out) {
        out.writeLong(czxid).writeLong(mzxid).writeLong(ctime).writeLong(mtime)
                .writeInt(version).writeInt(cversion).writeInt(aversion)
                .writeLong(ephemeralOwner).writeInt(dataLength).writeInt(numChildren).writeLong(pzxid);
    }

    public static Stat read(JuteReader in) {
        return new Stat(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInt(),
                in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readInt(), in.readLong());
    }
}
