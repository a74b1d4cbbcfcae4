package io.coord.server.quorum;

import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/**
 * A client handshake sent by hand, for tests that need what the stock client hides: a chosen
 * session id, password, timeout and readOnly byte (null: none, as a client older than 3.4), and the
 * raw ConnectResponse or the server closing without one.
 */
final class RawHandshake {
    private RawHandshake() {
    }

    static byte[] connectRequest(long sessionId, byte[] password, int timeoutMs, Boolean readOnly) {
        JuteWriter w = new JuteWriter();
        new ConnectRequest(0, 0, timeoutMs, sessionId, password, readOnly).write(w);
        return w.toByteArray();
    }

    /** Connects to {@code member}'s client port and sends {@code request} as one frame. */
    static Socket send(InProcessEnsemble ensemble, int member, byte[] request) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", clientPort(ensemble, member)), 5_000);
        s.setSoTimeout(10_000);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(request.length);
        out.write(request);
        out.flush();
        return s;
    }

    static int clientPort(InProcessEnsemble ensemble, int member) {
        String cs = ensemble.connectString(member);
        return Integer.parseInt(cs.substring(cs.lastIndexOf(':') + 1));
    }

    static ConnectResponse readConnectResponse(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return ConnectResponse.read(new JuteReader(frame));
    }

    /** The next byte, or -1 when the server closed the connection (a reset counts as closed). */
    static int readOrEof(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (SocketException | EOFException reset) {
            return -1;
        }
    }
}
