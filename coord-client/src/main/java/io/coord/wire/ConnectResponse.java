package io.coord.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The handshake reply, with no ReplyHeader. timeOut is the negotiated session timeout in ms;
 * timeOut 0 with sessionId 0 tells the client its session expired. {@code readOnly} is present
 * exactly when the request carried it (null otherwise); {@link #read} takes it only if a byte
 * remains, so give it a reader bounded to this frame.
 */
public record ConnectResponse(int protocolVersion, int timeOut, long sessionId, byte[] passwd,
                              Boolean readOnly) implements JuteRecord {
    /** Length of the password the server hands out and the expired reply carries. */
    public static final int PASSWORD_BYTES = 16;

    /** The reply for an unknown or expired session, or a wrong password. */
    public static ConnectResponse expired(int protocolVersion, Boolean readOnly) {
        return new ConnectResponse(protocolVersion, 0, 0L, new byte[PASSWORD_BYTES], readOnly);
    }

    @Override
    public void write(JuteWriter out) {
        out.writeInt(protocolVersion).writeInt(timeOut).writeLong(sessionId).writeBuffer(passwd);
        if (readOnly != null) {
            out.writeBool(readOnly);
        }
    }

    public static ConnectResponse read(JuteReader in) {
        int protocolVersion = in.readInt();
        int timeOut = in.readInt();
        long sessionId = in.readLong();
        byte[] passwd = in.readBuffer();
        Boolean readOnly = in.hasRemaining() ? in.readBool() : null;
        return new ConnectResponse(protocolVersion, timeOut, sessionId, passwd, readOnly);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectResponse r && protocolVersion == r.protocolVersion
                && timeOut == r.timeOut && sessionId == r.sessionId && Arrays.equals(passwd, r.passwd)
                && Objects.equals(readOnly, r.readOnly);
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocolVersion, timeOut, sessionId, Arrays.hashCode(passwd), readOnly);
    }

    /** Never prints the session password. */
    @Override
    public String toString() {
        return "ConnectResponse[protocolVersion=" + protocolVersion + ", timeOut=" + timeOut
                + ", sessionId=0x" + Long.toHexString(sessionId) + ", passwd=" + Bytes.describe(passwd)
                + ", readOnly=" + readOnly + "]";
    }
}
