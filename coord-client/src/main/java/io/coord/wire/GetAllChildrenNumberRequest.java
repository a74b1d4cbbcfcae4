package io.coord.wire;

/** Body of getAllChildrenNumber (104). */
public record GetAllChildrenNumberRequest(String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
    }

    public static GetAllChildrenNumberRequest read(JuteReader in) {
        return new GetAllChildrenNumberRequest(in.readString());
    }
}
