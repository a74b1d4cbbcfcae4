package io.coord.wire;

import java.util.List;

/** One ACL entry: a permission bit set ({@link Perms}) granted to an {@link Id}. */
public record Acl(int perms, Id id) implements JuteRecord {
    public static final List<Acl> OPEN_ACL_UNSAFE = List.of(new Acl(Perms.ALL, Id.ANYONE));
    public static final List<Acl> CREATOR_ALL_ACL = List.of(new Acl(Perms.ALL, Id.AUTH_IDS));
    public static final List<Acl> READ_ACL_UNSAFE = List.of(new Acl(Perms.READ, Id.ANYONE));
    /** Smallest encoding: perms + two empty strings. */
    public static final int MIN_BYTES = 12;

    @Override
    public void write(JuteWriter out) {
        out.writeInt(perms);
        id.write(out);
    }

    public static Acl read(JuteReader in) {
        return new Acl(in.readInt(), Id.read(in));
    }

    public static List<Acl> readList(JuteReader in) {
        return in.readRecordList(Acl::read, MIN_BYTES);
    }
}
