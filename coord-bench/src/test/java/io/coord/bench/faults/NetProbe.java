package io.coord.bench.faults;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@link NetDelayTest}'s probe, run in a member's namespace ({@code ip netns exec ... java}): the
 * test's JVM cannot open sockets in another namespace.
 * <ul>
 * <li>{@code echo ADDRESS PORT}: a UDP echo server; each line "count" on stdin prints
 * "received T distinct D" (datagrams since the last count, and how many different sequence numbers
 * among them) and starts counting again; stdin closed: exits.</li>
 * <li>{@code ping ADDRESS PORT N}: N datagrams, one at a time, each sent once its echo came back;
 * prints "rtt-ms MIN MEDIAN MAX replies R" (R counts every echo, a copy's too).</li>
 * </ul>
 */
public final class NetProbe {
    private static final int SIZE = 64;
    private static final int REPLY_WAIT_MS = 5_000;

    private NetProbe() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        if (args[0].equals("echo")) {
            echo(address);
        } else {
            ping(address, Integer.parseInt(args[3]));
        }
    }

    private static void echo(InetSocketAddress address) throws Exception {
        Set<Long> distinct = new HashSet<>();
        long[] received = {0};
        try (DatagramSocket socket = new DatagramSocket(address)) {
            Thread control = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (distinct) {
                            System.out.println("received " + received[0] + " distinct " + distinct.size());
                            System.out.flush();
                            received[0] = 0;
                            distinct.clear();
                        }
                    }
                } catch (Exception e) {
                    // stdin gone: the test is done with us
                }
                socket.close();
            });
            control.setDaemon(true);
            control.start();
            System.out.println("ready");
            System.out.flush();
            byte[] buf = new byte[SIZE];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (java.net.SocketException closed) {
                    return;
                }
                synchronized (distinct) {
                    received[0]++;
                    distinct.add(ByteBuffer.wrap(buf).getLong());
                }
                socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            }
        }
    }

    private static void ping(InetSocketAddress address, int n) throws Exception {
        double[] rttMs = new double[n];
        int replies = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(REPLY_WAIT_MS);
            byte[] in = new byte[SIZE];
            for (int seq = 0; seq < n; seq++) {
                byte[] out = ByteBuffer.allocate(SIZE).putLong(seq).array();
                long start = System.nanoTime();
                socket.send(new DatagramPacket(out, out.length, address));
                while (true) {
                    DatagramPacket p = new DatagramPacket(in, in.length);
                    socket.receive(p); // times out (the probe fails) when a datagram and its copy are lost
                    replies++;
                    if (ByteBuffer.wrap(in).getLong() == seq) {
                        break; // an earlier one's copy otherwise
                    }
                }
                rttMs[seq] = (System.nanoTime() - start) / 1e6;
            }
            socket.setSoTimeout(300); // the last one's copy, if any
            try {
                while (true) {
                    socket.receive(new DatagramPacket(in, in.length));
                    replies++;
                }
            } catch (SocketTimeoutException done) {
                // no more
            }
        }
        Arrays.sort(rttMs);
        System.out.println(String.format(Locale.ROOT, "rtt-ms %.2f %.2f %.2f replies %d", rttMs[0], rttMs[n / 2],
                rttMs[n - 1], replies));
    }
}
