package io.coord.wire;

/** An ACL identity: a scheme ({@code world}, {@code auth}, {@code digest}, {@code ip}) and an id. */
public record Id(String scheme, String id) implements JuteRecord {
    public static final Id ANYONE = new Id("world", "anyone");
    public static final Id AUTH_IDS = new Id("auth", "");

    @Override
    public void write(JuteWriter out) {
        out.writeString(scheme).writeString(id);
    }

    public static Id read(JuteReader in) {
        return new Id(in.readString(), in.readString());
    }
}
