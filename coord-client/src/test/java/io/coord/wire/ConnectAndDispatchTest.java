package io.coord.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectAndDispatchTest {
    private static final Stat STAT = WireSamples.STAT;

    @Test
    void connectRequestReadOnlyIsReadOnlyWhenAByteRemains() {
        ConnectRequest withRo = new ConnectRequest(0, 5L, 10_000, 0x77L, WireSamples.bytes(16), true);
        ConnectRequest old = new ConnectRequest(0, 5L, 10_000, 0x77L, WireSamples.bytes(16), null);
        byte[] oldBytes = old.toBytes();
        assertEquals(withRo.toBytes().length - 1, oldBytes.length);
        assertNull(ConnectRequest.read(new JuteReader(oldBytes)).readOnly());
        assertEquals(Boolean.TRUE, ConnectRequest.read(new JuteReader(withRo.toBytes())).readOnly());
        // Read from inside a frame: the reader is bounded to the frame, so the next frame's bytes
        // are not mistaken for the flag.
        byte[] twoFrames = concat(Requests.encodeConnect(old), Requests.encodeConnect(withRo));
        JuteReader frame = new JuteReader(twoFrames, 4, new JuteReader(twoFrames).readInt());
        assertEquals(old, ConnectRequest.read(frame));
    }

    @Test
    void connectResponseReadOnlyMirrorsRequest() {
        ConnectResponse old = new ConnectResponse(0, 4000, 1L, WireSamples.bytes(16), null);
        ConnectResponse ro = new ConnectResponse(0, 4000, 1L, WireSamples.bytes(16), true);
        assertEquals(old, ConnectResponse.read(new JuteReader(old.toBytes())));
        assertEquals(ro, ConnectResponse.read(new JuteReader(ro.toBytes())));
        assertEquals(old.toBytes().length + 1, ro.toBytes().length);
    }

    @Test
    void everyRequestOpCodeDecodesItsBody() {
        Map<Integer, JuteRecord> bodies = Map.ofEntries(
                Map.entry(OpCode.CREATE, WireSamples.createRequest("/a")),
                Map.entry(OpCode.CREATE2, WireSamples.createRequest("/b")),
                Map.entry(OpCode.CREATE_CONTAINER, WireSamples.createRequest("/c")),
                Map.entry(OpCode.CREATE_TTL, new CreateTTLRequest("/t", null, Acl.OPEN_ACL_UNSAFE, 5, 10L)),
                Map.entry(OpCode.DELETE, new DeleteRequest("/a", 1)),
                Map.entry(OpCode.EXISTS, new ExistsRequest("/a", true)),
                Map.entry(OpCode.GET_DATA, new GetDataRequest("/a", false)),
                Map.entry(OpCode.SET_DATA, new SetDataRequest("/a", new byte[] {1}, 0)),
                Map.entry(OpCode.GET_ACL, new GetACLRequest("/a")),
                Map.entry(OpCode.SET_ACL, new SetACLRequest("/a", Acl.READ_ACL_UNSAFE, 0)),
                Map.entry(OpCode.GET_CHILDREN, new GetChildrenRequest("/a", true)),
                Map.entry(OpCode.SYNC, new SyncRequest("/a")),
                Map.entry(OpCode.GET_CHILDREN2, new GetChildren2Request("/a", false)),
                Map.entry(OpCode.CHECK, new CheckVersionRequest("/a", 2)),
                Map.entry(OpCode.MULTI, WireSamples.writeMulti()),
                Map.entry(OpCode.MULTI_READ, WireSamples.readMulti()),
                Map.entry(OpCode.RECONFIG, new ReconfigRequest(null, "3", null, 9L)),
                Map.entry(OpCode.CHECK_WATCHES, new CheckWatchesRequest("/a", WatcherType.CHILDREN)),
                Map.entry(OpCode.REMOVE_WATCHES, new RemoveWatchesRequest("/a", WatcherType.PERSISTENT)),
                Map.entry(OpCode.AUTH, new AuthPacket(0, "digest", new byte[] {1, 2})),
                Map.entry(OpCode.SET_WATCHES, new SetWatches(1L, List.of("/a"), List.of(), List.of())),
                Map.entry(OpCode.SASL, new GetSASLRequest(new byte[] {9})),
                Map.entry(OpCode.GET_EPHEMERALS, new GetEphemeralsRequest("/")),
                Map.entry(OpCode.GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberRequest("/a")),
                Map.entry(OpCode.SET_WATCHES2, new SetWatches2(1L, List.of(), List.of(), List.of(),
                        List.of("/p"), List.of("/r"))),
                Map.entry(OpCode.ADD_WATCH, new AddWatchRequest("/a", AddWatchMode.PERSISTENT)));
        for (Map.Entry<Integer, JuteRecord> e : bodies.entrySet()) {
            assertEquals(e.getValue(), roundTripRequest(e.getKey(), e.getValue()), OpCode.name(e.getKey()));
        }
        for (int op : new int[] {OpCode.PING, OpCode.CLOSE_SESSION, OpCode.WHO_AM_I, OpCode.CREATE_SESSION}) {
            assertNull(roundTripRequest(op, null), OpCode.name(op));
        }
    }

    @Test
    void everyReplyOpCodeDecodesItsBody() {
        Map<Integer, JuteRecord> bodies = Map.ofEntries(
                Map.entry(OpCode.CREATE, new CreateResponse("/a")),
                Map.entry(OpCode.CREATE2, new Create2Response("/a", STAT)),
                Map.entry(OpCode.CREATE_TTL, new Create2Response("/t", STAT)),
                Map.entry(OpCode.CREATE_CONTAINER, new Create2Response("/c", STAT)),
                Map.entry(OpCode.EXISTS, new ExistsResponse(STAT)),
                Map.entry(OpCode.GET_DATA, new GetDataResponse(new byte[] {1}, STAT)),
                Map.entry(OpCode.RECONFIG, new GetDataResponse(new byte[] {2}, STAT)),
                Map.entry(OpCode.SET_DATA, new SetDataResponse(STAT)),
                Map.entry(OpCode.CHECK, new SetDataResponse(STAT)),
                Map.entry(OpCode.GET_ACL, new GetACLResponse(Acl.CREATOR_ALL_ACL, STAT)),
                Map.entry(OpCode.SET_ACL, new SetACLResponse(STAT)),
                Map.entry(OpCode.GET_CHILDREN, new GetChildrenResponse(List.of("x"))),
                Map.entry(OpCode.SYNC, new SyncResponse("/a")),
                Map.entry(OpCode.GET_CHILDREN2, new GetChildren2Response(List.of("x"), STAT)),
                Map.entry(OpCode.MULTI, WireSamples.successResponse()),
                Map.entry(OpCode.MULTI_READ, WireSamples.readResponse()),
                Map.entry(OpCode.SASL, new SetSASLResponse(null)),
                Map.entry(OpCode.GET_EPHEMERALS, new GetEphemeralsResponse(List.of("/e"))),
                Map.entry(OpCode.GET_ALL_CHILDREN_NUMBER, new GetAllChildrenNumberResponse(3)),
                Map.entry(OpCode.ADD_WATCH, new ErrorResponse(0)),
                Map.entry(OpCode.WHO_AM_I, new WhoAmIResponse(List.of(new ClientInfo("ip", "::1")))));
        for (Map.Entry<Integer, JuteRecord> e : bodies.entrySet()) {
            assertEquals(e.getValue(), roundTripReply(e.getKey(), e.getValue()), OpCode.name(e.getKey()));
        }
        for (int op : new int[] {OpCode.DELETE, OpCode.PING, OpCode.CLOSE_SESSION, OpCode.CHECK_WATCHES,
                OpCode.REMOVE_WATCHES, OpCode.AUTH, OpCode.SET_WATCHES, OpCode.SET_WATCHES2}) {
            assertNull(roundTripReply(op, null), OpCode.name(op));
        }
    }

    private static JuteRecord roundTripRequest(int op, JuteRecord body) {
        byte[] frame = Requests.encode(new RequestHeader(17, op), body);
        JuteReader in = new JuteReader(frame);
        assertEquals(frame.length - 4, in.readInt());
        RequestHeader h = RequestHeader.read(in);
        assertEquals(new RequestHeader(17, op), h);
        JuteRecord decoded = Requests.decodeBody(h.type(), in);
        assertEquals(0, in.remaining(), OpCode.name(op));
        return decoded;
    }

    private static JuteRecord roundTripReply(int op, JuteRecord body) {
        byte[] frame = Replies.encode(new ReplyHeader(17, 99L, 0), body);
        JuteReader in = new JuteReader(frame);
        assertEquals(frame.length - 4, in.readInt());
        assertEquals(new ReplyHeader(17, 99L, 0), ReplyHeader.read(in));
        JuteRecord decoded = Replies.decodeBody(op, in);
        assertEquals(0, in.remaining(), OpCode.name(op));
        return decoded;
    }

    @Test
    void encodeToAppendsFramesBackToBack() {
        JuteWriter out = new JuteWriter(16);
        Replies.encodeTo(out, new ReplyHeader(1, 2L, 0), new SyncResponse("/a"));
        Replies.encodeTo(out, new ReplyHeader(2, 2L, ErrorCode.NONODE.code()), null);
        JuteReader in = new JuteReader(out.toByteArray());
        assertEquals(16 + 6, in.readInt());
        assertEquals(new ReplyHeader(1, 2L, 0), ReplyHeader.read(in));
        assertEquals(new SyncResponse("/a"), Replies.decodeBody(OpCode.SYNC, in));
        assertEquals(16, in.readInt());
        assertEquals(new ReplyHeader(2, 2L, -101), ReplyHeader.read(in));
        assertEquals(0, in.remaining());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
