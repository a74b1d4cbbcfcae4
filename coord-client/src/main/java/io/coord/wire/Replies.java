package io.coord.wire;

/**
 * Reply-side codec: framing replies and, for clients, decoding reply bodies by the op code of the
 * request they answer. A reply carries a body only when its header err is 0, so decode the body
 * only then. Notifications (xid -1) carry a {@link WatcherEvent} whatever the op code.
 */
public final class Replies {
    private Replies() {
    }

    /** A framed reply: length prefix, header, then the body (null for none). */
    public static byte[] encode(ReplyHeader header, JuteRecord bodyOrNull) {
        return Frames.frame(header, bodyOrNull);
    }

    /** Appends a framed reply to {@code out}, to batch replies into one write. */
    public static void encodeTo(JuteWriter out, ReplyHeader header, JuteRecord bodyOrNull) {
        Frames.writeFramed(out, header, bodyOrNull);
    }

    /** The framed handshake reply (no header). */
    public static byte[] encodeConnect(ConnectResponse response) {
        return Frames.frame(response);
    }

    /** A framed watch notification: header (xid -1, zxid, 0) and the event. */
    public static byte[] encodeNotification(long zxid, WatcherEvent event) {
        return Frames.frame(new ReplyHeader(Xids.NOTIFICATION, zxid, ErrorCode.OK.code()), event);
    }

    /**
     * The body of a successful reply to a request of {@code opCode}, or null for ops whose reply
     * has none (delete, ping, closeSession, checkWatches, removeWatches, auth, setWatches,
     * setWatches2).
     *
     * @throws WireFormatException on an unknown op code or bytes that do not decode
     */
    public static JuteRecord decodeBody(int opCode, JuteReader in) {
        return switch (opCode) {
            case OpCode.CREATE -> CreateResponse.read(in);
            case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> Create2Response.read(in);
            case OpCode.EXISTS -> ExistsResponse.read(in);
            case OpCode.GET_DATA, OpCode.RECONFIG -> GetDataResponse.read(in);
            case OpCode.SET_DATA, OpCode.CHECK -> SetDataResponse.read(in);
            case OpCode.GET_ACL -> GetACLResponse.read(in);
            case OpCode.SET_ACL -> SetACLResponse.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenResponse.read(in);
            case OpCode.SYNC -> SyncResponse.read(in);
            case OpCode.GET_CHILDREN2 -> GetChildren2Response.read(in);
            case OpCode.MULTI, OpCode.MULTI_READ -> MultiResponse.read(in);
            case OpCode.SASL -> SetSASLResponse.read(in);
            case OpCode.GET_EPHEMERALS -> GetEphemeralsResponse.read(in);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberResponse.read(in);
            case OpCode.ADD_WATCH -> ErrorResponse.read(in);
            case OpCode.WHO_AM_I -> WhoAmIResponse.read(in);
            case OpCode.DELETE, OpCode.PING, OpCode.CLOSE_SESSION, OpCode.CHECK_WATCHES,
                    OpCode.REMOVE_WATCHES, OpCode.AUTH, OpCode.SET_WATCHES, OpCode.SET_WATCHES2 -> null;
            default -> throw Requests.unknown(opCode);
        };
    }
}
