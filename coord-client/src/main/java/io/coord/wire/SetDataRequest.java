package io.coord.wire;

import java.util.Arrays;
import java.util.Objects;

/** Body of setData (5); version -1 matches any version. */
public record SetDataRequest(String path, byte[] data, int version) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBuffer(data).writeInt(version);
    }

    public static SetDataRequest read(JuteReader in) {
        return new SetDataRequest(in.readString(), in.readBuffer(), in.readInt());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetDataRequest r && version == r.version && Objects.equals(path, r.path)
                && Arrays.equals(data, r.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), version);
    }

    @Override
    public String toString() {
        return "SetDataRequest[path=" + path + ", data=" + Bytes.describe(data) + ", version=" + version + "]";
    }
}
