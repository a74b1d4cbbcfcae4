package io.coord.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.junit.jupiter.api.Test;

/**
 * reconfig (op 16) and its reply, byte for byte against the stock client's own jute records
 * (org.apache.zookeeper.proto, test scope): what ZooKeeperAdmin.reconfigure sends and what a
 * ZooKeeper server answers.
 */
class ReconfigCodecTest {
    private static final String JOINING = "server.4=127.0.0.1:2891:3891:participant;127.0.0.1:2184,"
            + "server.5=127.0.0.1:2892:3892:observer;2185";

    private static byte[] zk(Record r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.serialize(BinaryOutputArchive.getArchive(bytes), "r");
        return bytes.toByteArray();
    }

    @Test
    void requestMatchesTheStockClientsEncoding() throws IOException {
        String[][] cases = {
            {JOINING, null, null}, {null, "4,5", null}, {null, null, JOINING}, {"", "1", ""},
        };
        for (String[] c : cases) {
            for (long fromConfig : new long[] {-1, 0x100000002L}) {
                byte[] ours = new ReconfigRequest(c[0], c[1], c[2], fromConfig).toBytes();
                assertArrayEquals(zk(new org.apache.zookeeper.proto.ReconfigRequest(c[0], c[1], c[2], fromConfig)),
                        ours, String.join("/", String.valueOf(c[0]), String.valueOf(c[1]), String.valueOf(c[2])));
                org.apache.zookeeper.proto.ReconfigRequest back = new org.apache.zookeeper.proto.ReconfigRequest();
                back.deserialize(BinaryInputArchive.getArchive(new DataInputStream(new ByteArrayInputStream(ours))),
                        "r");
                assertEquals(c[0], back.getJoiningServers());
                assertEquals(c[1], back.getLeavingServers());
                assertEquals(c[2], back.getNewMembers());
                assertEquals(fromConfig, back.getCurConfigId());
                assertEquals(new ReconfigRequest(c[0], c[1], c[2], fromConfig),
                        ReconfigRequest.read(new JuteReader(ours)));
            }
        }
    }

    @Test
    void replyIsAGetDataResponseAsZooKeeperWritesIt() throws IOException {
        byte[] config = ("server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\nversion=100000002")
                .getBytes(StandardCharsets.UTF_8);
        org.apache.zookeeper.data.Stat zkStat = new org.apache.zookeeper.data.Stat(0, 0x100000002L, 0, 1733300000000L,
                -1, 0, -1, 0, config.length, 0, 0);
        byte[] wire = zk(new org.apache.zookeeper.proto.GetDataResponse(config, zkStat));
        GetDataResponse ours = GetDataResponse.read(new JuteReader(wire));
        assertArrayEquals(config, ours.data());
        assertEquals(0x100000002L, ours.stat().mzxid());
        assertEquals(-1, ours.stat().version());
        assertEquals(config.length, ours.stat().dataLength());
        assertArrayEquals(wire, ours.toBytes());
        assertEquals(16, org.apache.zookeeper.ZooDefs.OpCode.reconfig);
        assertEquals(OpCode.RECONFIG, org.apache.zookeeper.ZooDefs.OpCode.reconfig);
    }

    @Test
    void reconfigErrorCodesAreZooKeepers() {
        assertEquals(org.apache.zookeeper.KeeperException.Code.NEWCONFIGNOQUORUM.intValue(),
                ErrorCode.NEWCONFIGNOQUORUM.code());
        assertEquals(org.apache.zookeeper.KeeperException.Code.RECONFIGINPROGRESS.intValue(),
                ErrorCode.RECONFIGINPROGRESS.code());
        assertEquals(org.apache.zookeeper.KeeperException.Code.RECONFIGDISABLED.intValue(),
                ErrorCode.RECONFIGDISABLED.code());
        assertEquals(-13, ErrorCode.NEWCONFIGNOQUORUM.code());
        assertEquals(-14, ErrorCode.RECONFIGINPROGRESS.code());
        assertEquals(-123, ErrorCode.RECONFIGDISABLED.code());
    }
}
