package io.coord.bench.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SessionPlacementTest {
    private static final String THREE = "127.0.0.1:1, 127.0.0.1:2,127.0.0.1:3";

    @Test
    void spreadGivesSessionIHostIModN() {
        assertEquals("127.0.0.1:1", SessionPlacement.SPREAD.connectStringFor(0, THREE));
        assertEquals("127.0.0.1:2", SessionPlacement.SPREAD.connectStringFor(1, THREE));
        assertEquals("127.0.0.1:3", SessionPlacement.SPREAD.connectStringFor(2, THREE));
        assertEquals("127.0.0.1:1", SessionPlacement.SPREAD.connectStringFor(3, THREE));
    }

    @Test
    void randomAndSingleHostKeepTheConnectString() {
        assertEquals(THREE, SessionPlacement.RANDOM.connectStringFor(2, THREE));
        assertEquals("127.0.0.1:9", SessionPlacement.SPREAD.connectStringFor(5, "127.0.0.1:9"));
    }

    @Test
    void namesAreCheckedWithAClearMessage() {
        assertEquals(SessionPlacement.SPREAD, SessionPlacement.byName("Spread"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionPlacement.byName("leader"));
        assertEquals("--placement must be spread or random, got leader", e.getMessage());
    }
}
