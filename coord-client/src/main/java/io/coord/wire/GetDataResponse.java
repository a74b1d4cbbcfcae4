package io.coord.wire;

import java.util.Arrays;
import java.util.Objects;

/** Reply of getData (4) and of reconfig (16, data = the new config). Equality is by content. */
public record GetDataResponse(byte[] data, Stat stat) implements JuteRecord {
    public GetDataResponse {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        out.writeBuffer(data);
        stat.write(out);
    }

    public static GetDataResponse read(JuteReader in) {
        return new GetDataResponse(in.readBuffer(), Stat.read(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GetDataResponse r && Arrays.equals(data, r.data) && stat.equals(r.stat);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + stat.hashCode();
    }

    @Override
    public String toString() {
        return "GetDataResponse[data=" + Bytes.describe(data) + ", stat=" + stat + "]";
    }
}
