package io.coord.wire;

/**
 * Precedes each op of a multi request and each result of a multi reply. The list ends with
 * {@link #DONE}; readers stop at any header whose {@code done} is set, as ZooKeeper does.
 * In requests {@code err} is always -1; in replies it is 0, or the error code for type -1.
 */
public record MultiHeader(int type, boolean done, int err) implements JuteRecord {
    public static final MultiHeader DONE = new MultiHeader(-1, true, -1);
    public static final int BYTES = 9;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(type).writeBool(done).writeInt(err);
    }

    public static MultiHeader read(JuteReader in) {
        return new MultiHeader(in.readInt(), in.readBool(), in.readInt());
    }
}
