package io.coord.wire;

/** Reply of getAllChildrenNumber (104): the number of descendants, the node itself excluded. */
public record GetAllChildrenNumberResponse(int totalNumber) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeInt(totalNumber);
    }

    public static GetAllChildrenNumberResponse read(JuteReader in) {
        return new GetAllChildrenNumberResponse(in.readInt());
    }
}
