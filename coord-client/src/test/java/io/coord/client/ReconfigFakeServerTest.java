package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.ErrorCode;
import io.coord.wire.GetDataRequest;
import io.coord.wire.GetDataResponse;
import io.coord.wire.JuteReader;
import io.coord.wire.OpCode;
import io.coord.wire.ReconfigRequest;
import io.coord.wire.ReplyHeader;
import io.coord.wire.RequestHeader;
import io.coord.wire.Stat;
import io.coord.wire.Xids;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * getConfig and reconfig on the wire: the request each sends (getData of /zookeeper/config even
 * under a chroot; op 16 with the four reconfig fields), the reply decoded as data + Stat, and
 * ZooKeeper's reconfig error codes as the client's exceptions.
 */
class ReconfigFakeServerTest {
    private static final byte[] CONFIG = "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\nversion=100000002"
            .getBytes(StandardCharsets.UTF_8);
    private static final Stat STAT = new Stat(0, 0x100000002L, 0, 5, -1, 0, -1, 0, CONFIG.length, 0, 0);

    @Test
    void requestsRepliesAndErrorCodes() throws Exception {
        List<Object> requests = new CopyOnWriteArrayList<>();
        int[] errors = {0, ErrorCode.BADVERSION.code(), ErrorCode.NEWCONFIGNOQUORUM.code(),
            ErrorCode.RECONFIGINPROGRESS.code(), ErrorCode.RECONFIGDISABLED.code(), ErrorCode.NOAUTH.code()};
        try (FakeServer server = new FakeServer((conn, index) -> {
            conn.readConnect();
            conn.accept(0x42, 4000);
            int reconfigs = 0;
            while (true) {
                JuteReader in = new JuteReader(conn.readFrame());
                RequestHeader h = RequestHeader.read(in);
                if (h.xid() == Xids.PING) {
                    continue;
                }
                if (h.type() == OpCode.GET_DATA) {
                    requests.add(GetDataRequest.read(in));
                    conn.reply(h.xid(), 7, 0, new GetDataResponse(CONFIG, STAT));
                } else if (h.type() == OpCode.RECONFIG) {
                    requests.add(ReconfigRequest.read(in));
                    int err = errors[reconfigs++];
                    if (err == 0) {
                        conn.reply(h.xid(), 8, 0, new GetDataResponse(CONFIG, STAT));
                    } else {
                        conn.write(new ReplyHeader(h.xid(), 8, err));
                    }
                }
            }
        });
             CoordClient client = CoordClient.connect(server.connectString() + "/app",
                     ClientOptions.builder().connectionTimeoutMs(3000).build())) {
            DataResult config = client.getConfig(e -> { });
            assertArrayEquals(CONFIG, config.data());
            assertEquals(0x100000002L, config.stat().mzxid());
            assertEquals(new GetDataRequest("/zookeeper/config", true), requests.get(0), "no chroot, watch set");
            client.getConfig(null);
            assertEquals(new GetDataRequest("/zookeeper/config", false), requests.get(1));

            DataResult joined = client.reconfig("server.4=127.0.0.1:2891:3891;2184", null, null, -1);
            assertArrayEquals(CONFIG, joined.data());
            assertEquals(new ReconfigRequest("server.4=127.0.0.1:2891:3891;2184", null, null, -1), requests.get(2));
            assertThrows(CoordException.BadVersionException.class, () -> client.reconfig(null, "4", null, 1));
            assertEquals(new ReconfigRequest(null, "4", null, 1), requests.get(3));
            assertEquals(ErrorCode.NEWCONFIGNOQUORUM, assertThrows(CoordException.NewConfigNoQuorumException.class,
                    () -> client.reconfig(null, null, "server.1=h:1:2;3", -1)).code());
            assertEquals(ErrorCode.RECONFIGINPROGRESS, assertThrows(CoordException.ReconfigInProgressException.class,
                    () -> client.reconfig(null, "2", null, -1)).code());
            CoordException disabled = assertThrows(CoordException.ReconfigDisabledException.class,
                    () -> client.reconfig(null, "2", null, -1));
            assertTrue(disabled.getMessage().contains("reconfigEnabled"), disabled.getMessage());
            assertThrows(CoordException.NoAuthException.class, () -> client.reconfig(null, "2", null, -1));
            assertEquals(8, requests.size(), "a failed reconfig is not retried: " + requests);
            assertEquals(List.of(), server.errors);
        }
    }
}
