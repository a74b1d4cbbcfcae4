package io.coord.wire;

import java.util.Objects;

/** Reply of exists (3) when the node exists (a missing node is err NONODE, no body). */
public record ExistsResponse(Stat stat) implements JuteRecord {
    public ExistsResponse {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        stat.write(out);
    }

    public static ExistsResponse read(JuteReader in) {
        return new ExistsResponse(Stat.read(in));
    }
}
