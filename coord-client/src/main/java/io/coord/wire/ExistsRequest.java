package io.coord.wire;

/** Body of exists (3); watch leaves a data watch (or an exist watch when the node is absent). */
public record ExistsRequest(String path, boolean watch) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBool(watch);
    }

    public static ExistsRequest read(JuteReader in) {
        return new ExistsRequest(in.readString(), in.readBool());
    }
}
