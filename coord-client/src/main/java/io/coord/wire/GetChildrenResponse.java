package io.coord.wire;

import java.util.List;

/** Reply of getChildren (8): child names, not full paths. */
public record GetChildrenResponse(List<String> children) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeStringList(children);
    }

    public static GetChildrenResponse read(JuteReader in) {
        return new GetChildrenResponse(in.readStringList());
    }
}
