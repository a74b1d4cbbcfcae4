package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.zab.Role;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a member enters and leaves read-only mode (ZooKeeper: looking for max(2 s, tickTime)). */
class ReadOnlySwitchTest {

    private static ServerConfig config(boolean readOnly, int tickTimeMs, boolean ensemble) {
        ServerConfig.Builder b = ServerConfig.builder(Path.of("/tmp/unused")).tickTimeMs(tickTimeMs)
                .readOnlyModeEnabled(readOnly);
        if (ensemble) {
            b.myId(1).servers(Map.of(1L, member(1), 2L, member(2), 3L, member(3)));
        }
        return b.build();
    }

    private static ServerAddress member(long id) {
        return new ServerAddress(id, "127.0.0.1", 1, 2, false);
    }

    @Test
    void entersAfterTheGracePeriodOfLookingAndLeavesWithLooking() {
        ReadOnlyMode.Switch s = new ReadOnlyMode.Switch(config(true, 200, true), 1_000);
        assertFalse(s.due(Role.LOOKING, false, 2_999), "before the 2 s grace period");
        assertTrue(s.due(Role.LOOKING, false, 3_000));
        assertTrue(s.active());
        assertFalse(s.due(Role.LOOKING, false, 9_000), "entered once");
        assertFalse(s.roleChanged(Role.LOOKING, false, 9_000), "still looking: still read-only");
        assertTrue(s.roleChanged(Role.FOLLOWING, false, 9_500), "the election ended");
        assertFalse(s.active());
        // Looking again: the grace period starts over.
        s.roleChanged(Role.LOOKING, false, 10_000);
        assertFalse(s.due(Role.LOOKING, false, 11_999));
        assertTrue(s.due(Role.LOOKING, false, 12_000));
    }

    @Test
    void theGracePeriodIsATickTimeWhenLongerThanTwoSeconds() {
        ReadOnlyMode.Switch s = new ReadOnlyMode.Switch(config(true, 5_000, true), 0);
        assertFalse(s.due(Role.LOOKING, false, 4_999));
        assertTrue(s.due(Role.LOOKING, false, 5_000));
    }

    @Test
    void neverWithoutTheKeyStandaloneOrWhileServing() {
        ReadOnlyMode.Switch off = new ReadOnlyMode.Switch(config(false, 200, true), 0);
        assertFalse(off.due(Role.LOOKING, false, 1_000_000));
        ReadOnlyMode.Switch standalone = new ReadOnlyMode.Switch(config(true, 200, false), 0);
        assertFalse(standalone.due(Role.LOOKING, false, 1_000_000));
        ReadOnlyMode.Switch syncing = new ReadOnlyMode.Switch(config(true, 200, true), 0);
        syncing.roleChanged(Role.FOLLOWING, false, 0);
        assertFalse(syncing.due(Role.FOLLOWING, false, 1_000_000), "a follower still syncing is not looking");
        assertFalse(syncing.due(Role.LOOKING, true, 1_000_000));
    }
}
