package io.coord.wire;

import java.util.Arrays;
import java.util.Objects;

/** Body of auth (100, xid -4). {@code type} is unused and sent as 0. Equality is by content. */
public record AuthPacket(int type, String scheme, byte[] auth) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeInt(type).writeString(scheme).writeBuffer(auth);
    }

    public static AuthPacket read(JuteReader in) {
        return new AuthPacket(in.readInt(), in.readString(), in.readBuffer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthPacket r && type == r.type && Objects.equals(scheme, r.scheme)
                && Arrays.equals(auth, r.auth);
    }

    @Override
    public int hashCode() {
        return (31 * type + Objects.hashCode(scheme)) * 31 + Arrays.hashCode(auth);
    }

    /** Never prints the credential itself. */
    @Override
    public String toString() {
        return "AuthPacket[type=" + type + ", scheme=" + scheme + ", auth=" + Bytes.describe(auth) + "]";
    }
}
