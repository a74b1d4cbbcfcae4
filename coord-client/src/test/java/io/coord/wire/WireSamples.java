package io.coord.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** One non-trivial instance of every record, with its reader, shared by the codec tests. */
final class WireSamples {
    record Sample(String name, JuteRecord record, Function<JuteReader, ? extends JuteRecord> reader) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Stat STAT = new Stat(0x100000001L, 0x100000002L, 1_700_000_000_000L, 1_700_000_000_500L,
            3, 4, 5, 0x8000000000000000L, 6, 7, 0x100000003L);
    static final List<Acl> ACLS = List.of(new Acl(Perms.ALL, Id.ANYONE),
            new Acl(Perms.READ | Perms.WRITE, new Id("digest", "bob:x/y=")));
    static final byte[] DATA = "hello\u00e9".getBytes(StandardCharsets.UTF_8);

    private WireSamples() {
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    static CreateRequest createRequest(String path) {
        return new CreateRequest(path, DATA.clone(), ACLS, CreateMode.PERSISTENT_SEQUENTIAL.flag());
    }

    static MultiRequest writeMulti() {
        return new MultiRequest(List.of(
                MultiOp.create(createRequest("/a")),
                MultiOp.create2(new CreateRequest("/b", null, Acl.OPEN_ACL_UNSAFE, 1)),
                MultiOp.createContainer(new CreateRequest("/c", new byte[0], Acl.OPEN_ACL_UNSAFE, 4)),
                MultiOp.createTtl(new CreateTTLRequest("/d", DATA.clone(), Acl.OPEN_ACL_UNSAFE, 5, 60_000L)),
                MultiOp.delete(new DeleteRequest("/e", -1)),
                MultiOp.setData(new SetDataRequest("/f", DATA.clone(), 2)),
                MultiOp.check(new CheckVersionRequest("/g", 9))));
    }

    static MultiRequest readMulti() {
        return new MultiRequest(List.of(
                MultiOp.getChildren(new GetChildrenRequest("/a", true)),
                MultiOp.getData(new GetDataRequest("/b", false))));
    }

    static MultiResponse successResponse() {
        return new MultiResponse(List.of(MultiResult.create("/a0000000001"), MultiResult.create2("/b", STAT),
                new MultiResult(OpCode.CREATE_TTL, 0, new Create2Response("/d", STAT)),
                MultiResult.delete(), MultiResult.setData(STAT), MultiResult.check()));
    }

    static MultiResponse readResponse() {
        return new MultiResponse(List.of(MultiResult.getChildren(List.of("x", "y")),
                MultiResult.getData(DATA.clone(), STAT), MultiResult.error(ErrorCode.NONODE.code())));
    }

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        add(s, "Stat", STAT, Stat::read);
        add(s, "Id", new Id("ip", "10.0.0.0/8"), Id::read);
        add(s, "Acl", new Acl(Perms.CREATE | Perms.DELETE, Id.AUTH_IDS), Acl::read);
        add(s, "ConnectRequest+ro", new ConnectRequest(0, 0x200000005L, 30_000, 0x1234L, bytes(16), true),
                ConnectRequest::read);
        add(s, "ConnectRequest-old", new ConnectRequest(0, 0L, 4000, 0L, new byte[16], null), ConnectRequest::read);
        add(s, "ConnectResponse+ro", new ConnectResponse(0, 6000, 0x1234L, bytes(16), false),
                ConnectResponse::read);
        add(s, "ConnectResponse-old", new ConnectResponse(0, 6000, 0x1234L, bytes(16), null),
                ConnectResponse::read);
        add(s, "RequestHeader", new RequestHeader(42, OpCode.GET_DATA), RequestHeader::read);
        add(s, "ReplyHeader", new ReplyHeader(42, 0x300000001L, ErrorCode.NONODE.code()), ReplyHeader::read);
        add(s, "WatcherEvent", new WatcherEvent(EventType.NODE_DELETED, KeeperState.SYNC_CONNECTED, "/w"),
                WatcherEvent::read);
        add(s, "AuthPacket", new AuthPacket(0, "digest", "bob:secret".getBytes(StandardCharsets.UTF_8)),
                AuthPacket::read);
        add(s, "SetWatches", new SetWatches(77L, List.of("/d1", "/d2"), List.of(), List.of("/c")),
                SetWatches::read);
        add(s, "SetWatches2", new SetWatches2(78L, List.of("/d"), List.of("/e"), List.of(), List.of("/p"),
                List.of("/r1", "/r2")), SetWatches2::read);
        addRequests(s);
        addResponses(s);
        return s;
    }

    private static void addRequests(List<Sample> s) {
        add(s, "CreateRequest", createRequest("/n/"), CreateRequest::read);
        add(s, "CreateRequest-nulls", new CreateRequest("/n", null, null, 0), CreateRequest::read);
        add(s, "CreateTTLRequest", new CreateTTLRequest("/t", DATA.clone(), ACLS, 6, 1000L), CreateTTLRequest::read);
        add(s, "DeleteRequest", new DeleteRequest("/x", 3), DeleteRequest::read);
        add(s, "SetDataRequest", new SetDataRequest("/x", DATA.clone(), -1), SetDataRequest::read);
        add(s, "SetACLRequest", new SetACLRequest("/x", ACLS, 2), SetACLRequest::read);
        add(s, "CheckVersionRequest", new CheckVersionRequest("/x", 5), CheckVersionRequest::read);
        add(s, "ExistsRequest", new ExistsRequest("/x", true), ExistsRequest::read);
        add(s, "GetDataRequest", new GetDataRequest("/x", true), GetDataRequest::read);
        add(s, "GetACLRequest", new GetACLRequest("/x"), GetACLRequest::read);
        add(s, "GetChildrenRequest", new GetChildrenRequest("/x", false), GetChildrenRequest::read);
        add(s, "GetChildren2Request", new GetChildren2Request("/x", true), GetChildren2Request::read);
        add(s, "SyncRequest", new SyncRequest("/x"), SyncRequest::read);
        add(s, "CheckWatchesRequest", new CheckWatchesRequest("/x", WatcherType.DATA), CheckWatchesRequest::read);
        add(s, "RemoveWatchesRequest", new RemoveWatchesRequest("/x", WatcherType.ANY), RemoveWatchesRequest::read);
        add(s, "GetEphemeralsRequest", new GetEphemeralsRequest("/app"), GetEphemeralsRequest::read);
        add(s, "GetAllChildrenNumberRequest", new GetAllChildrenNumberRequest("/x"),
                GetAllChildrenNumberRequest::read);
        add(s, "AddWatchRequest", new AddWatchRequest("/x", AddWatchMode.PERSISTENT_RECURSIVE),
                AddWatchRequest::read);
        add(s, "ReconfigRequest", new ReconfigRequest("server.4=h:2888:3888;2181", null, null, -1L),
                ReconfigRequest::read);
        add(s, "GetSASLRequest", new GetSASLRequest(bytes(5)), GetSASLRequest::read);
        add(s, "MultiHeader", new MultiHeader(OpCode.CREATE, false, -1), MultiHeader::read);
        add(s, "MultiRequest-write", writeMulti(), MultiRequest::read);
        add(s, "MultiRequest-read", readMulti(), MultiRequest::read);
        add(s, "MultiRequest-empty", new MultiRequest(List.of()), MultiRequest::read);
    }

    private static void addResponses(List<Sample> s) {
        add(s, "CreateResponse", new CreateResponse("/a0000000007"), CreateResponse::read);
        add(s, "Create2Response", new Create2Response("/a", STAT), Create2Response::read);
        add(s, "ExistsResponse", new ExistsResponse(STAT), ExistsResponse::read);
        add(s, "GetDataResponse", new GetDataResponse(DATA.clone(), STAT), GetDataResponse::read);
        add(s, "GetDataResponse-null", new GetDataResponse(null, STAT), GetDataResponse::read);
        add(s, "SetDataResponse", new SetDataResponse(STAT), SetDataResponse::read);
        add(s, "GetACLResponse", new GetACLResponse(ACLS, STAT), GetACLResponse::read);
        add(s, "SetACLResponse", new SetACLResponse(STAT), SetACLResponse::read);
        add(s, "GetChildrenResponse", new GetChildrenResponse(List.of("a", "b\u00fc", "")), GetChildrenResponse::read);
        add(s, "GetChildren2Response", new GetChildren2Response(List.of("a"), STAT), GetChildren2Response::read);
        add(s, "SyncResponse", new SyncResponse("/x"), SyncResponse::read);
        add(s, "GetEphemeralsResponse", new GetEphemeralsResponse(List.of("/e1", "/e2")),
                GetEphemeralsResponse::read);
        add(s, "GetAllChildrenNumberResponse", new GetAllChildrenNumberResponse(12), GetAllChildrenNumberResponse::read);
        add(s, "ErrorResponse", new ErrorResponse(ErrorCode.NOWATCHER.code()), ErrorResponse::read);
        add(s, "SetSASLResponse", new SetSASLResponse(bytes(3)), SetSASLResponse::read);
        add(s, "ClientInfo", new ClientInfo("ip", "127.0.0.1"), ClientInfo::read);
        add(s, "WhoAmIResponse", new WhoAmIResponse(List.of(new ClientInfo("ip", "127.0.0.1"),
                new ClientInfo("digest", "bob"))), WhoAmIResponse::read);
        add(s, "MultiResponse-success", successResponse(), MultiResponse::read);
        add(s, "MultiResponse-read", readResponse(), MultiResponse::read);
        add(s, "MultiResponse-failed", MultiResponse.failed(3, 1, ErrorCode.NODEEXISTS.code()), MultiResponse::read);
    }

    private static void add(List<Sample> s, String name, JuteRecord r, Function<JuteReader, ? extends JuteRecord> f) {
        s.add(new Sample(name, r, f));
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    static byte[] unhex(String s) {
        String clean = s.replaceAll("[^0-9a-fA-F]", "");
        byte[] b = new byte[clean.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static byte[] copyOf(byte[] b, int n) {
        return Arrays.copyOf(b, n);
    }
}
