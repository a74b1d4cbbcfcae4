package io.coord.wire;

import java.util.Objects;

/** Reply of create2 (15), createTTL (21) and createContainer (19): the created path and its Stat. */
public record Create2Response(String path, Stat stat) implements JuteRecord {
    public Create2Response {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
        stat.write(out);
    }

    public static Create2Response read(JuteReader in) {
        return new Create2Response(in.readString(), Stat.read(in));
    }
}
