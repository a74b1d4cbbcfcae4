package io.coord.wire;

/** Body of getEphemerals (103); a blank or "/" prefix means every ephemeral of the session. */
public record GetEphemeralsRequest(String prefixPath) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(prefixPath);
    }

    public static GetEphemeralsRequest read(JuteReader in) {
        return new GetEphemeralsRequest(in.readString());
    }
}
