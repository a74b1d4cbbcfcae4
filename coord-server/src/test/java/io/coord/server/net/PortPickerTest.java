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
