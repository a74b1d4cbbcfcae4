package io.coord.wire;

import java.util.Objects;

/** Reply of setACL (7). */
public record SetACLResponse(Stat stat) implements JuteRecord {
    public SetACLResponse {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        stat.write(out);
    }

    public static SetACLResponse read(JuteReader in) {
        return new SetACLResponse(Stat.read(in));
    }
}
