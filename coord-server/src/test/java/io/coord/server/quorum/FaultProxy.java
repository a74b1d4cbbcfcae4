package io.coord.server.quorum;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay from a local port to a target port, for cutting links between ensemble members.
 * {@link #pause()} holds every byte without closing (a silent link); {@link #cut()} closes every relayed connection and refuses new ones (both ends see the connection
 * close, as when a route is reset); {@link #heal()} lets connections through again. Two threads per
 * relayed connection; everything is closed by {@link #close()}.
 */
public final class FaultProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean paused;
    private volatile boolean closed;

    FaultProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::acceptLoop, "proxy-accept-" + port());
    }

    public int port() {
        return server.getLocalPort();
    }

    private void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket in = server.accept();
                if (cut) {
                    in.close();
                    continue;
                }
                Socket out = new Socket();
                try {
                    out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 1_000);
                } catch (IOException e) {
                    in.close();
                    out.close();
                    continue;
                }
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                sockets.add(in);
                sockets.add(out);
                start(() -> relay(in, out), "proxy-up-" + port());
                start(() -> relay(out, in), "proxy-down-" + port());
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void relay(Socket from, Socket to) {
        byte[] buf = new byte[64 * 1024];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                while (paused && !cut && !closed) {
                    Thread.sleep(2); // a silent link: bytes wait here (and then in the kernel)
                }
                if (cut || closed) {
                    // Bytes held by a pause die with the cut. Written here (the sockets close a moment
                    // later), they crossed a link that was never open again: EnsembleFaultTest's
                    // "uncommitted" proposal reached a follower once, and no TRUNC was needed.
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // either side closed, or cut(): both sockets are closed by the try
        } finally {
            sockets.remove(from);
            sockets.remove(to);
            threads.remove(Thread.currentThread());
        }
    }

    /** Drops every relayed connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        cut = true;
        closeAll();
    }

    /** Stops relaying without closing anything: a link that silently loses everything. */
    public void pause() {
        paused = true;
    }

    public void heal() {
        cut = false;
        paused = false;
    }

    private void closeAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // ignore
        }
        closeAll();
        for (Thread t : threads) {
            t.join(2_000);
        }
    }
}
