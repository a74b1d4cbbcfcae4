package io.coord.server.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks loopback ports for servers started by tests, the benchmark and local ensembles: each one
 * bindable when picked, and never the same one twice from one picker.
 *
 * <p>Why not {@code new ServerSocket(0)}: once that socket closes, the kernel may hand the very
 * same port to the next {@code bind(0)} (seen: two members of one test ensemble given one quorum
 * port, the second failing to bind), and a port from the ephemeral range can be taken as the source
 * port of some outgoing connection before the server binds it. Ports below the ephemeral range
 * (Linux's default starts at 32768) are only ever taken by an explicit bind. A picker made with
 * {@link #PortPicker()} picks only inside its process's {@link PortSlice}, so that pickers of
 * different processes never pick the same port.
 */
public final class PortPicker {

    static final int LOWEST_PORT = 20_000;
    static final int PORTS_IN_RANGE = 12_000;
    private static final int MAX_ATTEMPTS = 1_000;

    private final RandomGenerator random;
    private final PortSlice slice;
    private final Set<Integer> pickedPorts = new HashSet<>();

    PortPicker(RandomGenerator random, PortSlice slice) {
        this.random = random;
        this.slice = slice;
    }

    /** Picks from the whole range with {@code random}'s draws (tests). */
    public PortPicker(RandomGenerator random) {
        this(random, PortSlice.whole());
    }

    /** Picks from this process's slice of the range. */
    public PortPicker() {
        this(RandomGenerator.getDefault(), PortSlice.ofThisProcess());
    }

    /** A port no earlier call returned, free on the loopback address right now. */
    public synchronized int next() throws IOException {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int port = slice.lowestPort() + random.nextInt(slice.ports());
            if (!pickedPorts.contains(port) && bindable(port)) {
                pickedPorts.add(port);
                return port;
            }
        }
        throw new IOException("no free loopback port in [" + slice.lowestPort() + ", "
                + (slice.lowestPort() + slice.ports()) + ") after " + MAX_ATTEMPTS + " attempts");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
