package io.coord.server.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A session imported with its own password keeps it across serialize/restore, until it ends. */
class SessionTrackerGivenPasswordTest {
    private static final byte[] SECRET = new byte[32];

    @Test
    void givenPasswordSurvivesASnapshotAndEndsWithTheSession() {
        Clock clock = Clock.system();
        SessionTracker t = new SessionTracker(clock, 100, 0, SECRET);
        byte[] given = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        t.addSession(0x1234L, 5000, given);
        SessionInfo plain = t.createSession(5000);
        byte[] version1 = new SessionTracker(clock, 100, 0, SECRET).serialize();
        assertEquals(1, java.nio.ByteBuffer.wrap(version1).getInt(), "no given password: version-1 bytes");

        SessionTracker restored = SessionTracker.restore(t.serialize(), clock, 100, 0, SECRET);
        assertTrue(restored.checkPassword(0x1234L, given));
        assertArrayEquals(given, restored.password(0x1234L));
        assertTrue(restored.checkPassword(plain.sessionId(), t.password(plain.sessionId())));
        restored.remove(0x1234L);
        assertFalse(restored.checkPassword(0x1234L, given), "the given password goes with its session");
    }
}
