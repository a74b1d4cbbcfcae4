package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.proto.ReplyHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage on the client port must cost only the connection that sent it: after each abuse the
 * server still answers and a neighbour session connected beforehand never noticed.
 */
class MalformedInputCompatTest extends CompatTestBase {

    private final BlockingQueue<KeeperState> neighbourStates = new LinkedBlockingQueue<>();
    private ZooKeeper neighbour;
    private long neighbourSession;

    @BeforeEach
    void connectNeighbour() throws Exception {
        neighbourStates.clear();
        neighbour = newClient(target.connectString(), SESSION_TIMEOUT_MS, event -> {
            if (event.getType() == EventType.None) {
                neighbourStates.add(event.getState());
            }
        });
        neighbourSession = neighbour.getSessionId();
        neighbourStates.clear();
    }

    @AfterEach
    void serverAndNeighbourAreUnaffected() throws Exception {
        assertEquals("imok", RawSocket.fourLetterWord(target.clientPort(), "ruok"));
        String node = neighbour.create(path("neighbour-"), new byte[] {7}, Ids.OPEN_ACL_UNSAFE,
                CreateMode.PERSISTENT_SEQUENTIAL);
        assertArrayEquals(new byte[] {7}, neighbour.getData(node, false, null));
        syncIfEnsemble(zk, node); // zk may sit on another member, which may not have applied it yet
        assertArrayEquals(new byte[] {7}, zk.getData(node, false, null));
        assertEquals(neighbourSession, neighbour.getSessionId());
        List<KeeperState> seen = List.copyOf(neighbourStates);
        assertFalse(seen.contains(KeeperState.Disconnected) || seen.contains(KeeperState.Expired),
                "the neighbour lost its connection: " + seen);
    }

    @Test
    void randomBytesBeforeAHandshake() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            byte[] junk = new byte[64 + random.nextInt(4096)];
            random.nextBytes(junk);
            try (RawSocket raw = new RawSocket(target.clientPort())) {
                try {
                    raw.write(junk);
                } catch (IOException e) {
                    // the server may close before all of it is sent
                }
            }
        }
    }

    @Test
    void randomFrameAfterAHandshakeClosesThatConnection() throws Exception {
        byte[] junk = new byte[512];
        new Random(11).nextBytes(junk);
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.writeFrame(junk);
            assertTrue(raw.closedByServer(), "an undecodable request closes its connection");
        }
    }

    @Test
    void truncatedFrameThenClose() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.writeInt(100);
            raw.write(new byte[10]);
        }
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.writeInt(100);
            raw.write(new byte[10]);
        }
    }

    @Test
    void twoGibibyteLengthPrefixIsRefused() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.writeInt(Integer.MAX_VALUE);
            raw.write(new byte[64]);
            assertTrue(raw.closedByServer());
        }
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.writeInt(Integer.MAX_VALUE);
            raw.write(new byte[64]);
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void negativeLengthPrefixIsRefused() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.writeInt(-1);
            assertTrue(raw.closedByServer());
        }
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.writeInt(-5);
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void unknownOpCodeIsUnimplemented() throws Exception {
        try (RawSocket raw = new RawSocket(target.clientPort())) {
            raw.handshake(SESSION_TIMEOUT_MS);
            raw.request(1, 9999, null);
            ReplyHeader reply = raw.replyTo(1);
            assertEquals(KeeperException.Code.UNIMPLEMENTED.intValue(), reply.getErr());
        }
    }

    @Test
    void aRequestOverTheBufferLimitFailsOnlyItsOwnCall() throws Exception {
        ZooKeeper greedy = newClient();
        zk.create(path("big"), null, Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        byte[] tooBig = new byte[2 * 1024 * 1024];
        assertThrows(KeeperException.class, () -> greedy.setData(path("big"), tooBig, -1));
        assertEquals(0, zk.exists(path("big"), false).getDataLength());
    }
}
