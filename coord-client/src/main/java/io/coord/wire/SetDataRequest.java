package io.coord.wire;

/** Body of setData (5); version -1 matches any version. */
public record SetDataRequest(String path, byte[] data, int version) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBuffer(data).writeInt(version);
    }

    public static SetDataRequest read(JuteReader in) {
        return new SetDataRequest(in.readString(), in.readBuffer(), in.readInt());
    }
}
