package io.coord.wire;

/** Prefix of every reply after the handshake; the body follows only when {@code err == 0}. */
public record ReplyHeader(int xid, long zxid, int err) implements JuteRecord {
    public static final int BYTES = 16;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(xid).writeLong(zxid).writeInt(err);
    }

    public static ReplyHeader read(JuteReader in) {
        return new ReplyHeader(in.readInt(), in.readLong(), in.readInt());
    }
}
