package io.coord.server.quorum;

import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.zab.LogEntry;
import io.coord.server.zab.SyncMode;
import io.coord.server.zab.ZabMessage;
import io.coord.server.zab.ZabMessage.Ack;
import io.coord.server.zab.ZabMessage.AckEpoch;
import io.coord.server.zab.ZabMessage.Commit;
import io.coord.server.zab.ZabMessage.Inform;
import io.coord.server.zab.ZabMessage.FollowerInfo;
import io.coord.server.zab.ZabMessage.LeaderInfo;
import io.coord.server.zab.ZabMessage.NewLeader;
import io.coord.server.zab.ZabMessage.PeerState;
import io.coord.server.zab.ZabMessage.Ping;
import io.coord.server.zab.ZabMessage.Propose;
import io.coord.server.zab.ZabMessage.SyncReply;
import io.coord.server.zab.ZabMessage.SyncRequest;
import io.coord.server.zab.ZabMessage.UpToDate;
import io.coord.server.zab.ZabMessage.Vote;
import io.coord.wire.Id;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Jute encoding of every member-to-member frame payload: one tag byte (as an int), then the
 * message's fields in record order. Frames themselves are [int length][payload] (see
 * {@link QuorumTransport}).
 */
public final class QuorumCodec {
    /**
     * First frame on a new connection: the dialer's member id, and whether it logs in with SASL next
     * ({@link Auth} frames; quorum.auth.learnerRequireSasl). Without the login it is encoded as it
     * always was, so members that never heard of quorum SASL read it.
     */
    public record Hello(long memberId, boolean saslLogin) {
        public Hello(long memberId) {
            this(memberId, false);
        }
    }

    /** One step of a member link's SASL login: the token, and the server's verdict so far. */
    public record Auth(AuthStatus status, byte[] token) {
    }

    /** Where a member link's SASL login stands, as the accepting member says (the dialer always says IN_PROGRESS). */
    public enum AuthStatus { IN_PROGRESS, SUCCESS, ERROR }

    /** Session activity report (follower → leader). */
    public record Touch(long[] sessionIds) {
    }

    static final int HELLO = 0;
    static final int VOTE = 1;
    static final int FOLLOWER_INFO = 2;
    static final int LEADER_INFO = 3;
    static final int ACK_EPOCH = 4;
    static final int NEW_LEADER = 5;
    static final int UP_TO_DATE = 6;
    static final int PROPOSE = 7;
    static final int ACK = 8;
    static final int COMMIT = 9;
    static final int PING = 10;
    static final int SYNC_REQUEST = 11;
    static final int SYNC_REPLY = 12;
    static final int INFORM = 13;
    static final int FORWARD = 20;
    static final int TOUCH = 21;
    static final int AUTH = 22;

    private QuorumCodec() {
    }

    public static byte[] encode(Object msg) {
        JuteWriter out = new JuteWriter(64);
        if (msg instanceof Hello m) {
            out.writeInt(HELLO).writeLong(m.memberId());
            if (m.saslLogin()) {
                out.writeBool(true);
            }
        } else if (msg instanceof Auth m) {
            out.writeInt(AUTH).writeInt(m.status().ordinal()).writeBuffer(m.token());
        } else if (msg instanceof Vote m) {
            out.writeInt(VOTE).writeLong(m.leaderId()).writeLong(m.zxid()).writeLong(m.peerEpoch())
                    .writeLong(m.electionEpoch()).writeInt(m.state().ordinal()).writeLong(m.configVersion())
                    .writeBuffer(m.config());
        } else if (msg instanceof FollowerInfo m) {
            out.writeInt(FOLLOWER_INFO).writeLong(m.session()).writeLong(m.acceptedEpoch());
        } else if (msg instanceof LeaderInfo m) {
            out.writeInt(LEADER_INFO).writeLong(m.session()).writeLong(m.epoch());
        } else if (msg instanceof AckEpoch m) {
            out.writeInt(ACK_EPOCH).writeLong(m.session()).writeLong(m.currentEpoch()).writeLong(m.lastZxid())
                    .writeBool(m.counted()).writeBool(m.needSnap());
        } else if (msg instanceof NewLeader m) {
            encodeNewLeader(out, m);
        } else if (msg instanceof UpToDate m) {
            out.writeInt(UP_TO_DATE).writeLong(m.session()).writeLong(m.commitZxid());
        } else if (msg instanceof Propose m) {
            out.writeInt(PROPOSE).writeLong(m.session()).writeLong(m.zxid()).writeBuffer(m.data());
        } else if (msg instanceof Inform m) {
            out.writeInt(INFORM).writeLong(m.session()).writeLong(m.prevZxid()).writeLong(m.zxid())
                    .writeBuffer(m.data());
        } else if (msg instanceof Ack m) {
            out.writeInt(ACK).writeLong(m.session()).writeLong(m.zxid()).writeLong(m.round());
        } else if (msg instanceof Commit m) {
            out.writeInt(COMMIT).writeLong(m.session()).writeLong(m.zxid());
        } else if (msg instanceof Ping m) {
            out.writeInt(PING).writeLong(m.session()).writeLong(m.round()).writeLong(m.commitZxid())
                    .writeLong(m.lastZxid()).writeBool(m.established());
        } else if (msg instanceof SyncRequest m) {
            out.writeInt(SYNC_REQUEST).writeLong(m.session()).writeLong(m.syncId());
        } else if (msg instanceof SyncReply m) {
            out.writeInt(SYNC_REPLY).writeLong(m.session()).writeLong(m.syncId()).writeLong(m.zxid());
        } else if (msg instanceof ForwardedRequest m) {
            out.writeInt(FORWARD).writeLong(m.origin()).writeLong(m.sessionId()).writeInt(m.cxid())
                    .writeInt(m.type()).writeBuffer(m.body()).writeRecordList(m.authIds()).writeString(m.clientIp());
        } else if (msg instanceof Touch m) {
            out.writeInt(TOUCH).writeInt(m.sessionIds().length);
            for (long id : m.sessionIds()) {
                out.writeLong(id);
            }
        } else {
            throw new IllegalArgumentException("no encoding for " + msg);
        }
        return out.toByteArray();
    }

    private static void encodeNewLeader(JuteWriter out, NewLeader m) {
        out.writeInt(NEW_LEADER).writeLong(m.session()).writeLong(m.epoch()).writeInt(m.mode().ordinal())
                .writeLong(m.baseZxid()).writeBuffer(m.snapshot()).writeInt(m.entries().size());
        for (LogEntry e : m.entries()) {
            out.writeLong(e.zxid()).writeBuffer(e.data());
        }
        out.writeLong(m.commitZxid()).writeLong(m.configVersion()).writeBuffer(m.config());
    }

    /** Decodes a frame payload; throws WireFormatException when it is not a valid message. */
    public static Object decode(byte[] frame) {
        JuteReader in = new JuteReader(frame);
        int tag = in.readInt();
        Object msg = switch (tag) {
            case HELLO -> new Hello(in.readLong(), in.hasRemaining() && in.readBool());
            case AUTH -> new Auth(enumAt(AuthStatus.values(), in.readInt()), nonNull(in.readBuffer()));
            case VOTE -> new Vote(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                    enumAt(PeerState.values(), in.readInt()), in.readLong(), nonNull(in.readBuffer()));
            case FOLLOWER_INFO -> new FollowerInfo(in.readLong(), in.readLong());
            case LEADER_INFO -> new LeaderInfo(in.readLong(), in.readLong());
            case ACK_EPOCH -> new AckEpoch(in.readLong(), in.readLong(), in.readLong(), in.readBool(), in.readBool());
            case NEW_LEADER -> decodeNewLeader(in);
            case UP_TO_DATE -> new UpToDate(in.readLong(), in.readLong());
            case PROPOSE -> new Propose(in.readLong(), in.readLong(), nonNull(in.readBuffer()));
            case INFORM -> new Inform(in.readLong(), in.readLong(), in.readLong(), nonNull(in.readBuffer()));
            case ACK -> new Ack(in.readLong(), in.readLong(), in.readLong());
            case COMMIT -> new Commit(in.readLong(), in.readLong());
            case PING -> new Ping(in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readBool());
            case SYNC_REQUEST -> new SyncRequest(in.readLong(), in.readLong());
            case SYNC_REPLY -> new SyncReply(in.readLong(), in.readLong(), in.readLong());
            case FORWARD -> ForwardedRequest.received(in.readLong(), in.readLong(), in.readInt(), in.readInt(),
                    nonNull(in.readBuffer()), nonNullList(in.readRecordList(Id::read, 8)), in.readString());
            case TOUCH -> decodeTouch(in);
            default -> throw new WireFormatException("unknown quorum message tag " + tag);
        };
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " trailing bytes after quorum message " + tag);
        }
        return msg;
    }

    private static NewLeader decodeNewLeader(JuteReader in) {
        long session = in.readLong();
        long epoch = in.readLong();
        SyncMode mode = enumAt(SyncMode.values(), in.readInt());
        long base = in.readLong();
        byte[] snapshot = in.readBuffer();
        int n = in.readInt();
        if (n < 0 || n > in.remaining() / 12) {
            throw new WireFormatException("bad entry count " + n);
        }
        List<LogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new LogEntry(in.readLong(), nonNull(in.readBuffer())));
        }
        long commit = in.readLong();
        return new NewLeader(session, epoch, mode, base, snapshot, entries, commit, in.readLong(), nonNull(in.readBuffer()));
    }

    private static Touch decodeTouch(JuteReader in) {
        int n = in.readInt();
        if (n < 0 || n > in.remaining() / 8) {
            throw new WireFormatException("bad touch count " + n);
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = in.readLong();
        }
        return new Touch(ids);
    }

    private static <E> E enumAt(E[] values, int ordinal) {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new WireFormatException("bad enum value " + ordinal);
        }
        return values[ordinal];
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static <T> List<T> nonNullList(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** True when the message belongs to the ZAB core (the rest is pipeline traffic). */
    static boolean isZab(Object msg) {
        return msg instanceof ZabMessage;
    }
}
