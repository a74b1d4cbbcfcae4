package io.coord.wire;

import java.util.List;

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
}
