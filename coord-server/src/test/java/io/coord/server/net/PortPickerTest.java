package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PortPickerTest {

    /** Draws the given offsets into the picker's range, in order. */
    private static RandomGenerator drawing(List<Integer> offsets) {
        Deque<Integer> left = new ArrayDeque<>(offsets);
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                assertEquals(PortPicker.PORTS_IN_RANGE, bound);
                return left.removeFirst();
            }
        };
    }

    @Test
    void neverHandsOutOnePortTwice() throws Exception {
        int offset = freeOffset();
        PortPicker picker = new PortPicker(drawing(List.of(offset, offset, offset, offset + 1)));
        int first = picker.next();
        int second = picker.next();
        assertEquals(PortPicker.LOWEST_PORT + offset, first);
        assertNotEquals(first, second, "the same draw again must be skipped, as bind(0) can repeat itself");
    }

    @Test
    void skipsAPortSomeoneHolds() throws Exception {
        try (ServerSocket held = bindInRange()) {
            int heldOffset = held.getLocalPort() - PortPicker.LOWEST_PORT;
            int freeOffset = freeOffset();
            assertEquals(PortPicker.LOWEST_PORT + freeOffset,
                    new PortPicker(drawing(List.of(heldOffset, freeOffset))).next());
        }
    }

    @Test
    void eachClaimOfOneDirectoryGetsItsOwnSliceUntilNoneIsLeft(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.util.List<PortSlice.Claim> claims = new java.util.ArrayList<>();
        try {
            java.util.Set<Integer> lowest = new java.util.HashSet<>();
            for (int i = 0; i < PortSlice.SLICES; i++) {
                PortSlice.Claim claim = PortSlice.claim(dir);
                claims.add(claim);
                assertEquals(PortSlice.PORTS_PER_SLICE, claim.slice().ports());
                assertEquals(true, lowest.add(claim.slice().lowestPort()), "a slice claimed twice: " + claim);
                assertEquals(true, claim.slice().lowestPort() + claim.slice().ports()
                        <= PortPicker.LOWEST_PORT + PortPicker.PORTS_IN_RANGE);
            }
            PortSlice.Claim overflow = PortSlice.claim(dir);
            assertEquals(PortSlice.whole(), overflow.slice(), "with every slice held, the whole range");
            claims.get(3).lock().channel().close();
            PortSlice.Claim again = PortSlice.claim(dir);
            claims.add(again);
            assertEquals(claims.get(3).slice(), again.slice(), "a released slice is claimed again");
        } finally {
            for (PortSlice.Claim c : claims) {
                if (c.lock() != null) {
                    c.lock().channel().close();
                }
            }
        }
    }

    /** Holds a port from the top of the range; {@link #freeOffset} searches from the bottom. */
    private static ServerSocket bindInRange() throws Exception {
        for (int offset = PortPicker.PORTS_IN_RANGE - 1; offset > 0; offset--) {
            try {
                return new ServerSocket(PortPicker.LOWEST_PORT + offset, 1, InetAddress.getLoopbackAddress());
            } catch (java.io.IOException taken) {
                // try the next one down
            }
        }
        throw new IllegalStateException("no port in range");
    }

    private static int freeOffset() throws Exception {
        for (int offset = 0; offset < PortPicker.PORTS_IN_RANGE - 1; offset++) {
            try (ServerSocket probe = new ServerSocket(PortPicker.LOWEST_PORT + offset, 1, InetAddress.getLoopbackAddress());
                    ServerSocket next = new ServerSocket(PortPicker.LOWEST_PORT + offset + 1, 1,
                            InetAddress.getLoopbackAddress())) {
                return offset;
            } catch (java.io.IOException taken) {
                // try the next pair
            }
        }
        throw new IllegalStateException("no free pair of ports in range");
    }
}
