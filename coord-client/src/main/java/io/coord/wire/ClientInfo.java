package io.coord.wire;

/** One identity of a session, as reported by whoAmI (107). */
public record ClientInfo(String authScheme, String user) implements JuteRecord {
    /** Smallest encoding: two empty strings. */
    public static final int MIN_BYTES = 8;

    @Override
    public void write(JuteWriter out) {
        out.writeString(authScheme).writeString(user);
    }

    public static ClientInfo read(JuteReader in) {
        return new ClientInfo(in.readString(), in.readString());
    }
}
