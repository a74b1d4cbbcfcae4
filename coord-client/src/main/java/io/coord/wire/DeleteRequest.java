package io.coord.wire;

/** Body of delete (2); version -1 matches any version. */
public record DeleteRequest(String path, int version) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeInt(version);
    }

    public static DeleteRequest read(JuteReader in) {
        return new DeleteRequest(in.readString(), in.readInt());
    }
}
