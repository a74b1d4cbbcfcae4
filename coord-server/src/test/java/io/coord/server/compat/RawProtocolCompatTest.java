package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.OpCode;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.CreateRequest;
import org.apache.zookeeper.proto.DeleteRequest;
import org.apache.zookeeper.proto.ExistsRequest;
import org.apache.zookeeper.proto.GetACLRequest;
import org.apache.zookeeper.proto.GetACLResponse;
import org.apache.zookeeper.proto.GetSASLRequest;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.SetDataRequest;
import org.apache.zookeeper.proto.SetSASLResponse;
import org.junit.jupiter.api.Test;

/**
 * Requests the stock client refuses to send (it validates paths itself), sent on a raw socket
 * after a normal handshake: the server must reject them on its own.
 */
class RawProtocolCompatTest extends CompatTestBase {

    private static final int BAD_ARGUMENTS = KeeperException.Code.BADARGUMENTS.intValue();
    private static final int NO_NODE = KeeperException.Code.NONODE.intValue();

    private RawSocket session() throws Exception {
        RawSocket raw = closeAfterTest(new RawSocket(target.clientPort()));
        raw.handshake(SESSION_TIMEOUT_MS);
        return raw;
    }

    /** Malformed paths whose parent exists (or that have no parent at all). */
    @Test
    void createWithABadPathIsBadArguments() throws Exception {
        RawSocket raw = session();
        List<String> badPaths = List.of("no-leading-slash", "", root + "/", root + "/.", root + "/..",
                root + "/x\u0000y");
        int xid = 1;
        for (String bad : badPaths) {
            raw.request(xid, OpCode.create, new CreateRequest(bad, new byte[0], Ids.OPEN_ACL_UNSAFE, 0));
            assertEquals(BAD_ARGUMENTS, raw.replyTo(xid).getErr(), "create [" + bad + "]");
            xid++;
        }
        syncIfEnsemble(zk, root); // zk may sit on another member than the raw session
        assertEquals(List.of(), zk.getChildren(root, false));
    }

    /**
     * ZooKeeper looks the parent up before it validates the whole path, so an empty or "."
     * segment in the parent part is reported as NoNode, not BadArguments.
     */
    @Test
    void createUnderAMalformedParentIsNoNode() throws Exception {
        RawSocket raw = session();
        int xid = 1;
        for (String bad : List.of(root + "//b", root + "/./b", "/a//b")) {
            raw.request(xid, OpCode.create, new CreateRequest(bad, new byte[0], Ids.OPEN_ACL_UNSAFE, 0));
            assertEquals(NO_NODE, raw.replyTo(xid).getErr(), "create [" + bad + "]");
            xid++;
        }
    }

    @Test
    void createOfTheRootIsNodeExistsAndDeleteOfSystemNodesIsBadArguments() throws Exception {
        RawSocket raw = session();
        raw.request(1, OpCode.create, new CreateRequest("/", new byte[0], Ids.OPEN_ACL_UNSAFE, 0));
        assertEquals(KeeperException.Code.NODEEXISTS.intValue(), raw.replyTo(1).getErr());
        int xid = 2;
        for (String system : List.of("/", "/zookeeper", "/zookeeper/quota")) {
            raw.request(xid, OpCode.delete, new DeleteRequest(system, -1));
            assertEquals(BAD_ARGUMENTS, raw.replyTo(xid).getErr(), "delete " + system);
            xid++;
        }
    }

    @Test
    void sequentialCreateMayEndWithASlash() throws Exception {
        RawSocket raw = session();
        raw.request(1, OpCode.create, new CreateRequest(root + "/", new byte[0], Ids.OPEN_ACL_UNSAFE, 2));
        assertEquals(0, raw.replyTo(1).getErr());
        syncIfEnsemble(zk, root);
        assertEquals(List.of("0000000000"), zk.getChildren(root, false));
    }

    @Test
    void deleteAndSetDataWithABadPathAreBadArguments() throws Exception {
        RawSocket raw = session();
        raw.request(1, OpCode.delete, new DeleteRequest("no-leading-slash", -1));
        assertEquals(BAD_ARGUMENTS, raw.replyTo(1).getErr());
        raw.request(2, OpCode.setData, new SetDataRequest("/a//b", new byte[0], -1));
        assertEquals(BAD_ARGUMENTS, raw.replyTo(2).getErr());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        RawSocket raw = session();
        int count = 200;
        for (int xid = 1; xid <= count; xid++) {
            if (xid % 2 == 0) {
                raw.request(xid, OpCode.exists, new ExistsRequest(root, false));
            } else {
                raw.request(xid, OpCode.create,
                        new CreateRequest(root + "/n" + xid, new byte[0], Ids.OPEN_ACL_UNSAFE, 0));
            }
        }
        long lastZxid = 0;
        for (int xid = 1; xid <= count; xid++) {
            ReplyHeader reply = raw.replyTo(xid);
            assertEquals(0, reply.getErr());
            assertTrue(reply.getZxid() >= lastZxid, "reply zxids never go back");
            lastZxid = reply.getZxid();
        }
        syncIfEnsemble(zk, root);
        assertEquals(count / 2, zk.getChildren(root, false).size());
    }

    @Test
    void pingIsAnsweredWithItsXid() throws Exception {
        RawSocket raw = session();
        raw.request(-2, OpCode.ping, null);
        ReplyHeader reply = raw.replyTo(-2);
        assertEquals(0, reply.getErr());
    }

    /** What kazoo sends for its CREATOR_ALL_ACL: scheme "auth" with a null id (length -1). */
    private static final List<ACL> CREATOR_ALL_NULL_ID = List.of(new ACL(Perms.ALL, new Id("auth", null)));

    /** ZooKeeper ignores the id of an "auth" entry and stores the session's authenticated ids. */
    @Test
    void authAclWithANullIdBecomesTheSessionsDigestId() throws Exception {
        RawSocket raw = session();
        raw.request(-4, OpCode.auth, new AuthPacket(0, "digest", "kaz:pw".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, raw.replyTo(-4).getErr());
        raw.request(1, OpCode.create, new CreateRequest(path("a"), new byte[0], CREATOR_ALL_NULL_ID, 0));
        assertEquals(0, raw.replyTo(1).getErr());

        raw.request(2, OpCode.getACL, new GetACLRequest(path("a")));
        BinaryInputArchive reply = raw.replyArchiveTo(2);
        ReplyHeader header = new ReplyHeader();
        header.deserialize(reply, "header");
        assertEquals(0, header.getErr());
        GetACLResponse acl = new GetACLResponse();
        acl.deserialize(reply, "response");
        assertEquals(List.of(new ACL(Perms.ALL, new Id("digest", AclCompatTest.digestId("kaz", "pw")))),
                acl.getAcl());
    }

    @Test
    void authAclWithANullIdAndNoAuthenticatedIdIsInvalidAcl() throws Exception {
        RawSocket raw = session();
        raw.request(1, OpCode.create, new CreateRequest(path("a"), new byte[0], CREATOR_ALL_NULL_ID, 0));
        assertEquals(KeeperException.Code.INVALIDACL.intValue(), raw.replyTo(1).getErr());
    }

    /**
     * A ZooKeeper server without SASL configured answers a sasl request with OK, zxid 0 and a null
     * token, and keeps the connection: the stock client reads the token (whatever the error code)
     * and fails its SASL login on a null one.
     */
    @Test
    void saslIsAnsweredAsByAServerWithoutSasl() throws Exception {
        RawSocket raw = session();
        raw.request(1, OpCode.sasl, new GetSASLRequest(new byte[0]));
        BinaryInputArchive reply = raw.replyArchiveTo(1);
        ReplyHeader header = new ReplyHeader();
        header.deserialize(reply, "header");
        assertEquals(0, header.getErr());
        assertEquals(0, header.getZxid());
        SetSASLResponse body = new SetSASLResponse();
        body.deserialize(reply, "response");
        assertNull(body.getToken());

        raw.request(2, OpCode.exists, new ExistsRequest("/", false));
        assertEquals(0, raw.replyTo(2).getErr(), "the connection stays usable");
    }
}
