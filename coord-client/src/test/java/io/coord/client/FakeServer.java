package io.coord.client;

import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.Frames;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.ReplyHeader;
import io.coord.wire.RequestHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for a server: accepts connections and runs a {@link Script} per connection
 * on its own thread, with the connection's index (0 for the first). Closes everything on close.
 */
final class FakeServer implements AutoCloseable {
    interface Script {
        void run(Conn conn, int index) throws Exception;
    }

    /** One accepted connection, speaking length-prefixed frames. */
    static final class Conn {
        final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        byte[] readFrame() throws IOException {
            int len = in.readInt();
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }

        ConnectRequest readConnect() throws IOException {
            return ConnectRequest.read(new JuteReader(readFrame()));
        }

        /** Reads a request frame and returns its header (the body stays unread). */
        RequestHeader readHeader() throws IOException {
            return RequestHeader.read(new JuteReader(readFrame()));
        }

        void accept(long sessionId, int timeoutMs) throws IOException {
            write(new ConnectResponse(0, timeoutMs, sessionId, new byte[16], false));
        }

        void write(JuteRecord... records) throws IOException {
            out.write(Frames.frame(records));
            out.flush();
        }

        void reply(int xid, long zxid, int err, JuteRecord body) throws IOException {
            write(new ReplyHeader(xid, zxid, err), body);
        }

        void close() throws IOException {
            socket.close();
        }
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    FakeServer(Script script) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> acceptLoop(script), "fake-server-accept");
        acceptor.start();
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop(Script script) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                sockets.add(s);
                int index = connections.getAndIncrement();
                Thread t = new Thread(() -> {
                    try {
                        script.run(new Conn(s), index);
                    } catch (IOException e) {
                        // The client hung up: part of most scripts.
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "fake-server-conn-" + index);
                threads.add(t);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.join(2000);
        for (Thread t : threads) {
            t.join(2000);
        }
    }
}
