package io.coord.server.pipeline;

import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.JuteWriter;

/** Bodies of the requests members issue themselves (not clients), as forwarded to the leader. */
final class ServerRequests {
    private ServerRequests() {
    }

    /**
     * Coord's own forwarded type, no client op code: "a client reattached its session on the
     * origin member", which makes the origin the session's owner at the leader (ZooKeeper's
     * REVALIDATE packet does this). It has no body and is never proposed.
     */
    static final int REATTACH = -1000;

    /** createSession: the negotiated timeout and the password the origin chose. */
    record CreateSession(int timeoutMs, byte[] password) implements JuteRecord {
        @Override
        public void write(JuteWriter out) {
            out.writeInt(timeoutMs).writeBuffer(password);
        }

        static JuteRecord read(JuteReader in) {
            return new CreateSession(in.readInt(), in.readBuffer());
        }
    }

    /** The delete of an expired container or TTL node the leader's scan found. */
    record ExpiredNode(String path) implements JuteRecord {
        @Override
        public void write(JuteWriter out) {
            out.writeString(path);
        }

        static JuteRecord read(JuteReader in) {
            return new ExpiredNode(in.readString());
        }
    }
}
