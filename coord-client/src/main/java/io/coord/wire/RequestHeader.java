package io.coord.wire;

/** Prefix of every request after the handshake. */
public record RequestHeader(int xid, int type) implements JuteRecord {
    public static final int BYTES = 8;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(xid).writeInt(type);
    }

    public static RequestHeader read(JuteReader in) {
        return new RequestHeader(in.readInt(), in.readInt());
    }
}
