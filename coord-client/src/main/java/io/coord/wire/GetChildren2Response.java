package io.coord.wire;

import java.util.List;
import java.util.Objects;

/** Reply of getChildren2 (12): child names and the parent's Stat. */
public record GetChildren2Response(List<String> children, Stat stat) implements JuteRecord {
    public GetChildren2Response {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        out.writeStringList(children);
        stat.write(out);
    }

    public static GetChildren2Response read(JuteReader in) {
        return new GetChildren2Response(in.readStringList(), Stat.read(in));
    }
}
