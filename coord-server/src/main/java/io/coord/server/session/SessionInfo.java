package io.coord.server.session;

import java.util.Arrays;

/**
 * A newly created session as the handshake reply needs it: id, negotiated timeout and the
 * 16-byte password the client must present to reattach.
 */
public record SessionInfo(long sessionId, int timeoutMs, byte[] password) {

    public SessionInfo {
        password = password.clone();
    }

    /** A copy, so a caller cannot alter the record. */
    @Override
    public byte[] password() {
        return password.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionInfo other && sessionId == other.sessionId
                && timeoutMs == other.timeoutMs && Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sessionId) * 31 + timeoutMs;
    }

    @Override
    public String toString() {
        // The password stays out of logs.
        return "SessionInfo[0x" + Long.toHexString(sessionId) + ", timeoutMs=" + timeoutMs + "]";
    }
}
