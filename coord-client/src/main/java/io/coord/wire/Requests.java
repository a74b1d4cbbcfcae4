package io.coord.wire;

/**
 * Request-side codec: framing client requests and decoding their bodies by op code.
 *
 * <p>Ops without a body: ping (11), closeSession (-11), whoAmI (107), createSession (-10; a real
 * session starts with a header-less {@link ConnectRequest}, so the session layer should refuse
 * this op from a client). sasl (102) decodes to {@link GetSASLRequest} and reconfig (16) to
 * {@link ReconfigRequest}; a server that does not support them answers with an error code.
 * notification (0), error (-1) and deleteContainer (20, server-internal) are never valid from a
 * client and are refused like unknown codes.
 *
 * <p>Decoders ignore bytes left after the body, as ZooKeeper does.
 */
public final class Requests {
    private Requests() {
    }

    /** A framed request: length prefix, header, then the body (null for ops without one). */
    public static byte[] encode(RequestHeader header, JuteRecord body) {
        return Frames.frame(header, body);
    }

    /** The framed handshake (no header). */
    public static byte[] encodeConnect(ConnectRequest request) {
        return Frames.frame(request);
    }

    /**
     * The request body for {@code opCode}, or null for ops without a body.
     *
     * @throws WireFormatException on an unknown op code or bytes that do not decode
     */
    public static JuteRecord decodeBody(int opCode, JuteReader in) {
        return switch (opCode) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(in);
            case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
            case OpCode.DELETE -> DeleteRequest.read(in);
            case OpCode.EXISTS -> ExistsRequest.read(in);
            case OpCode.GET_DATA -> GetDataRequest.read(in);
            case OpCode.SET_DATA -> SetDataRequest.read(in);
            case OpCode.GET_ACL -> GetACLRequest.read(in);
            case OpCode.SET_ACL -> SetACLRequest.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
            case OpCode.SYNC -> SyncRequest.read(in);
            case OpCode.GET_CHILDREN2 -> GetChildren2Request.read(in);
            case OpCode.CHECK -> CheckVersionRequest.read(in);
            case OpCode.MULTI, OpCode.MULTI_READ -> MultiRequest.read(in, opCode);
            case OpCode.RECONFIG -> ReconfigRequest.read(in);
            case OpCode.CHECK_WATCHES -> CheckWatchesRequest.read(in);
            case OpCode.REMOVE_WATCHES -> RemoveWatchesRequest.read(in);
            case OpCode.AUTH -> AuthPacket.read(in);
            case OpCode.SET_WATCHES -> SetWatches.read(in);
            case OpCode.SASL -> GetSASLRequest.read(in);
            case OpCode.GET_EPHEMERALS -> GetEphemeralsRequest.read(in);
            case OpCode.GET_ALL_CHILDREN_NUMBER -> GetAllChildrenNumberRequest.read(in);
            case OpCode.SET_WATCHES2 -> SetWatches2.read(in);
            case OpCode.ADD_WATCH -> AddWatchRequest.read(in);
            case OpCode.PING, OpCode.CLOSE_SESSION, OpCode.WHO_AM_I, OpCode.CREATE_SESSION -> null;
            default -> throw unknown(opCode);
        };
    }

    static UnknownOpCodeException unknown(int opCode) {
        String why = switch (opCode) {
            case OpCode.NOTIFICATION, OpCode.ERROR -> " (not a request)";
            case OpCode.DELETE_CONTAINER -> " (deleteContainer is server-internal)";
            default -> "";
        };
        return new UnknownOpCodeException(opCode, "unknown op code " + opCode + why);
    }
}
