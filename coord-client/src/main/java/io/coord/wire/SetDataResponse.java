package io.coord.wire;

import java.util.Objects;

/** Reply of setData (5), of a standalone check (13), and a setData result inside multi. */
public record SetDataResponse(Stat stat) implements JuteRecord {
    public SetDataResponse {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        stat.write(out);
    }

    public static SetDataResponse read(JuteReader in) {
        return new SetDataResponse(Stat.read(in));
    }
}
