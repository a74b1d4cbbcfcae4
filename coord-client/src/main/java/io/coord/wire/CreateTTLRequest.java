package io.coord.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Body of createTTL (21): a create with a time-to-live in milliseconds. */
public record CreateTTLRequest(String path, byte[] data, List<Acl> acl, int flags, long ttl)
        implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBuffer(data).writeRecordList(acl).writeInt(flags).writeLong(ttl);
    }

    public static CreateTTLRequest read(JuteReader in) {
        return new CreateTTLRequest(in.readString(), in.readBuffer(), Acl.readList(in), in.readInt(),
                in.readLong());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreateTTLRequest r && flags == r.flags && ttl == r.ttl
                && Objects.equals(path, r.path) && Arrays.equals(data, r.data) && Objects.equals(acl, r.acl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, flags, ttl);
    }

    @Override
    public String toString() {
        return "CreateTTLRequest[path=" + path + ", data=" + Bytes.describe(data) + ", acl=" + acl
                + ", flags=" + flags + ", ttl=" + ttl + "]";
    }
}
