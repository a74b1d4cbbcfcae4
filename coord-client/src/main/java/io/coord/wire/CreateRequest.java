package io.coord.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Body of create (1), create2 (15) and createContainer (19). {@code flags}: see {@link CreateMode}. */
public record CreateRequest(String path, byte[] data, List<Acl> acl, int flags) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBuffer(data).writeRecordList(acl).writeInt(flags);
    }

    public static CreateRequest read(JuteReader in) {
        return new CreateRequest(in.readString(), in.readBuffer(), Acl.readList(in), in.readInt());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CreateRequest r && flags == r.flags && Objects.equals(path, r.path)
                && Arrays.equals(data, r.data) && Objects.equals(acl, r.acl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, Arrays.hashCode(data), acl, flags);
    }

    @Override
    public String toString() {
        return "CreateRequest[path=" + path + ", data=" + Bytes.describe(data) + ", acl=" + acl
                + ", flags=" + flags + "]";
    }
}
