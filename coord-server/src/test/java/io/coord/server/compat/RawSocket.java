package io.coord.server.compat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/**
 * A plain socket to the client port for things the stock client will not send: four-letter words,
 * hand-built requests, malformed bytes. Frames are encoded with ZooKeeper's own jute classes, the
 * oracle's encoding.
 */
final class RawSocket implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 5_000;

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    RawSocket(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends a four-letter word and returns the whole text answer (the server closes after it). */
    static String fourLetterWord(int port, String word) throws IOException {
        try (RawSocket raw = new RawSocket(port)) {
            raw.write(word.getBytes(StandardCharsets.US_ASCII));
            return new String(raw.readToEnd(), StandardCharsets.UTF_8).trim();
        }
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void writeInt(int value) throws IOException {
        out.writeInt(value);
        out.flush();
    }

    /** A length-prefixed frame holding the given payload. */
    void writeFrame(byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    /**
     * A new-session handshake (protocol 0, the given timeout, no password, readOnly false);
     * returns the session id the server granted.
     */
    long handshake(int sessionTimeoutMs) throws IOException {
        return handshakeReply(sessionTimeoutMs)[1];
    }

    /** A new-session handshake as {@link #handshake}; returns the session timeout the server granted. */
    int negotiatedTimeoutMs(int sessionTimeoutMs) throws IOException {
        return (int) handshakeReply(sessionTimeoutMs)[0];
    }

    /** {granted timeout in ms, session id} of a new-session handshake; refused ones throw. */
    private long[] handshakeReply(int sessionTimeoutMs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream request = new DataOutputStream(bytes);
        request.writeInt(0);
        request.writeLong(0);
        request.writeInt(sessionTimeoutMs);
        request.writeLong(0);
        request.writeInt(16);
        request.write(new byte[16]);
        request.writeBoolean(false);
        writeFrame(bytes.toByteArray());
        DataInputStream reply = new DataInputStream(new ByteArrayInputStream(readFrame()));
        reply.readInt();
        int timeoutMs = reply.readInt();
        long sessionId = reply.readLong();
        if (timeoutMs <= 0 || sessionId == 0) {
            throw new IOException("handshake refused: timeout " + timeoutMs + " session " + sessionId);
        }
        return new long[] {timeoutMs, sessionId};
    }

    /** Sends RequestHeader(xid, opCode) followed by the record, if any. */
    void request(int xid, int opCode, Record body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryOutputArchive archive = BinaryOutputArchive.getArchive(bytes);
        new RequestHeader(xid, opCode).serialize(archive, "header");
        if (body != null) {
            body.serialize(archive, "request");
        }
        writeFrame(bytes.toByteArray());
    }

    /** Reads frames until the reply to this xid (skipping watch notifications) and returns its header. */
    ReplyHeader replyTo(int xid) throws IOException {
        ReplyHeader header = new ReplyHeader();
        header.deserialize(replyArchiveTo(xid), "header");
        return header;
    }

    /**
     * Like {@link #replyTo(int)}, but returns an archive positioned at the start of the reply (its
     * header first), so the caller can read the body too.
     */
    BinaryInputArchive replyArchiveTo(int xid) throws IOException {
        while (true) {
            byte[] frame = readFrame();
            ReplyHeader header = new ReplyHeader();
            header.deserialize(BinaryInputArchive.getArchive(new ByteArrayInputStream(frame)), "header");
            if (header.getXid() == xid) {
                return BinaryInputArchive.getArchive(new ByteArrayInputStream(frame));
            }
        }
    }

    /**
     * The watch events read before the reply to {@code xid}, each as "EventType path @zxid", and
     * that reply's error code last, as "reply err N".
     */
    List<String> eventsUntilReplyTo(int xid) throws IOException {
        List<String> events = new ArrayList<>();
        while (true) {
            BinaryInputArchive in = BinaryInputArchive.getArchive(new ByteArrayInputStream(readFrame()));
            ReplyHeader header = new ReplyHeader();
            header.deserialize(in, "header");
            if (header.getXid() == xid) {
                events.add("reply err " + header.getErr());
                return events;
            }
            WatcherEvent event = new WatcherEvent();
            event.deserialize(in, "response");
            events.add(Watcher.Event.EventType.fromInt(event.getType()) + " " + event.getPath()
                    + " @" + header.getZxid());
        }
    }

    byte[] readFrame() throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 16 * 1024 * 1024) {
            throw new IOException("implausible frame length " + length);
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    /** Everything until the server closes the stream (or the read timeout passes). */
    byte[] readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream stream = socket.getInputStream();
        byte[] chunk = new byte[4096];
        try {
            int n;
            while ((n = stream.read(chunk)) >= 0) {
                all.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("server did not close the connection; got " + all.size() + " bytes", e);
        }
        return all.toByteArray();
    }

    /** True when the server has closed (or reset) the connection within the read timeout. */
    boolean closedByServer() throws IOException {
        try {
            InputStream stream = socket.getInputStream();
            byte[] chunk = new byte[4096];
            while (stream.read(chunk) >= 0) {
                // drain whatever the server still sends
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
