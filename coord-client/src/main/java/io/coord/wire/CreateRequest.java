package io.coord.wire;

import java.util.List;

/** Body of create (1), create2 (15) and createContainer (19). {@code flags}: see {@link CreateMode}. */
public record CreateRequest(String path, byte[] data, List<Acl> acl, int flags) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeBuffer(data).writeRecordList(acl).writeInt(flags);
    }

    public static CreateRequest read(JuteReader in) {
        return new CreateRequest(in.readString(), in.readBuffer(), Acl.readList(in), in.readInt());
    }
}
