package io.coord.server.zab.sim;

import io.coord.server.zab.LogEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The replicated state machine of the simulation: the applied sequence itself. */
final class SimStateMachine {
    private SimStateMachine() {
    }

    static byte[] encode(List<LogEntry> applied) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(applied.size());
            for (LogEntry e : applied) {
                out.writeLong(e.zxid());
                out.writeInt(e.data().length);
                out.write(e.data());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<LogEntry> decode(byte[] blob) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
            int n = in.readInt();
            List<LogEntry> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long zxid = in.readLong();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                list.add(new LogEntry(zxid, data));
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long digest(List<LogEntry> applied) {
        long h = 1125899906842597L;
        for (LogEntry e : applied) {
            h = 31 * h + e.hashCode();
        }
        return h;
    }
}
