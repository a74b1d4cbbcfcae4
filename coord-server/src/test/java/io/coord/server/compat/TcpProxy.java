package io.coord.server.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP forwarder in front of the target's client port. {@link #cut()} drops every
 * connection and stops listening, so a client behind it loses its server without ever sending
 * closeSession — the way a crashed client or a partition looks to the server.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean open = true;

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(new Thread(this::acceptLoop, "tcp-proxy-accept"));
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
        while (open) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress("127.0.0.1", targetPort), 5_000);
                synchronized (sockets) {
                    if (!open) {
                        client.close();
                        server.close();
                        return;
                    }
                    sockets.add(client);
                    sockets.add(server);
                }
                start(new Thread(() -> pump(client, server), "tcp-proxy-up"));
                start(new Thread(() -> pump(server, client), "tcp-proxy-down"));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void start(Thread thread) {
        thread.setDaemon(true);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: fall through and close both
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    /** Drops every forwarded connection and refuses new ones from now on. */
    void cut() {
        open = false;
        closeQuietly(listener);
        synchronized (sockets) {
            sockets.forEach(TcpProxy::closeQuietly);
            sockets.clear();
        }
    }

    @Override
    public void close() throws InterruptedException {
        cut();
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        for (Thread thread : all) {
            thread.join(5_000);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
