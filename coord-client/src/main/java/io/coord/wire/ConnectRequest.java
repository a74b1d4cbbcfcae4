package io.coord.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The handshake a client sends first, with no RequestHeader. sessionId 0 asks for a new session;
 * otherwise sessionId + passwd reattach. {@code readOnly} is null when the client omitted the
 * trailing byte (clients older than 3.4), and the reply must then omit it too.
 *
 * <p>Because that byte is optional, {@link #read} must be given a reader bounded to exactly this
 * frame: it takes the byte only if one remains.
 */
public record ConnectRequest(int protocolVersion, long lastZxidSeen, int timeOut, long sessionId,
                             byte[] passwd, Boolean readOnly) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeInt(protocolVersion).writeLong(lastZxidSeen).writeInt(timeOut).writeLong(sessionId)
                .writeBuffer(passwd);
        if (readOnly != null) {
            out.writeBool(readOnly);
        }
    }

    public static ConnectRequest read(JuteReader in) {
        int protocolVersion = in.readInt();
        long lastZxidSeen = in.readLong();
        int timeOut = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        Boolean readOnly = in.hasRemaining() ? in.readBool() : null;
        return new ConnectRequest(protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectRequest r && protocolVersion == r.protocolVersion
                && lastZxidSeen == r.lastZxidSeen && timeOut == r.timeOut && sessionId == r.sessionId
                && Arrays.equals(passwd, r.passwd) && Objects.equals(readOnly, r.readOnly);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolVersion, lastZxidSeen, timeOut, sessionId, Arrays.hashCode(passwd),
                readOnly);
    }

    /** Never prints the session password. */
    @Override
    public String toString() {
        return "ConnectRequest[protocolVersion=" + protocolVersion + ", lastZxidSeen=0x"
                + Long.toHexString(lastZxidSeen) + ", timeOut=" + timeOut + ", sessionId=0x"
                + Long.toHexString(sessionId) + ", passwd=" + Bytes.describe(passwd)
                + ", readOnly=" + readOnly + "]";
    }
}
