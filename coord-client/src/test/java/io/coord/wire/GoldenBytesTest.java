package io.coord.wire;

import static io.coord.wire.WireSamples.hex;
import static io.coord.wire.WireSamples.unhex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact bytes worked out by hand from the jute rules (big-endian, int32 lengths, -1 = null). */
class GoldenBytesTest {
    private static void assertBytes(String expectedHex, byte[] actual) {
        assertEquals(hex(unhex(expectedHex)), hex(actual));
    }

    @Test
    void replyHeader() {
        assertBytes("00000005 0000000100000001 ffffff9b",
                new ReplyHeader(5, 0x100000001L, ErrorCode.NONODE.code()).toBytes());
    }

    @Test
    void framedCreateRequestWithWorldAnyoneAcl() {
        byte[] frame = Requests.encode(new RequestHeader(1, OpCode.CREATE),
                new CreateRequest("/a", "x".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, 0));
        assertBytes("00000032" // payload length 50 = 8 header + 42 body
                + "00000001 00000001" // xid 1, type create
                + "00000002 2f61" // path "/a"
                + "00000001 78" // data "x"
                + "00000001" // one ACL
                + "0000001f 00000005 776f726c64 00000006 616e796f6e65" // ALL, world:anyone
                + "00000000", frame); // flags persistent
        JuteReader in = new JuteReader(frame);
        assertEquals(frame.length - 4, in.readInt());
        RequestHeader h = RequestHeader.read(in);
        assertEquals(new RequestHeader(1, OpCode.CREATE), h);
        assertEquals(new CreateRequest("/a", new byte[] {'x'}, Acl.OPEN_ACL_UNSAFE, 0),
                Requests.decodeBody(h.type(), in));
    }

    @Test
    void framedPingHasNoBody() {
        assertBytes("00000008 fffffffe 0000000b",
                Requests.encode(new RequestHeader(Xids.PING, OpCode.PING), null));
        assertBytes("00000010 fffffffe 0000000000000007 00000000",
                Replies.encode(new ReplyHeader(Xids.PING, 7L, 0), null));
    }

    @Test
    void connectRequestWithAndWithoutReadOnly() {
        String common = "00000000 0000000000000000 00007530 0000000000000000 00000010"
                + "00000000000000000000000000000000";
        assertBytes("0000002d" + common + "00",
                Requests.encodeConnect(new ConnectRequest(0, 0L, 30_000, 0L, new byte[16], false)));
        assertBytes("0000002c" + common,
                Requests.encodeConnect(new ConnectRequest(0, 0L, 30_000, 0L, new byte[16], null)));
    }

    @Test
    void expiredConnectResponse() {
        assertBytes("00000025 00000000 00000000 0000000000000000 00000010"
                        + "00000000000000000000000000000000 00",
                Replies.encodeConnect(ConnectResponse.expired(0, false)));
    }

    @Test
    void watchNotification() {
        assertBytes("0000001e ffffffff 0000000000000010 00000000 00000001 00000003 00000002 2f61",
                Replies.encodeNotification(0x10L,
                        new WatcherEvent(EventType.NODE_CREATED, KeeperState.SYNC_CONNECTED, "/a")));
    }

    @Test
    void multiRequestWithOneDelete() {
        assertBytes("00000002 00 ffffffff 00000002 2f61 ffffffff ffffffff 01 ffffffff",
                new MultiRequest(List.of(MultiOp.delete(new DeleteRequest("/a", -1)))).toBytes());
    }

    @Test
    void failedMultiResponse() {
        assertBytes("ffffffff 00 00000000 00000000" // op before the failure: error type, OK
                        + "ffffffff 00 ffffff92 ffffff92" // the failing op: NODEEXISTS
                        + "ffffffff 00 fffffffe fffffffe" // op after: RUNTIMEINCONSISTENCY
                        + "ffffffff 01 ffffffff",
                MultiResponse.failed(3, 1, ErrorCode.NODEEXISTS.code()).toBytes());
    }

    @Test
    void nullStringAndNullVector() {
        assertBytes("ffffffff", new SyncRequest(null).toBytes());
        assertBytes("ffffffff", new GetChildrenResponse(null).toBytes());
        assertBytes("00000000", new GetChildrenResponse(List.of()).toBytes());
    }
}
