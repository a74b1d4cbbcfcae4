package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.ExistsResponse;
import io.coord.wire.GetChildren2Response;
import io.coord.wire.JuteReader;
import io.coord.wire.OpCode;
import io.coord.wire.RequestHeader;
import io.coord.wire.Stat;
import io.coord.wire.SyncResponse;
import io.coord.wire.Xids;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * createProtected after a lost reply: the probe syncs the member it reconnected to before listing
 * the parent, so that in an ensemble it sees a create the old member forwarded just before the drop.
 */
class ProtectedCreateFakeServerTest {
    @Test
    void theProbeSyncsBeforeItListsTheParent() throws Exception {
        AtomicReference<String> created = new AtomicReference<>();
        List<Integer> creates = new CopyOnWriteArrayList<>();
        List<Integer> afterReconnect = new CopyOnWriteArrayList<>();
        try (FakeServer server = new FakeServer((conn, index) -> {
            conn.readConnect();
            conn.accept(0x77, 4000);
            if (index == 0) {
                JuteReader in = new JuteReader(conn.readFrame());
                creates.add(RequestHeader.read(in).type());
                created.set(CreateRequest.read(in).path());
                conn.close(); // applied, but the reply is lost with the connection
                return;
            }
            String name = created.get().substring("/locks/".length()) + "0000000003";
            while (true) {
                JuteReader in = new JuteReader(conn.readFrame());
                RequestHeader h = RequestHeader.read(in);
                if (h.xid() == Xids.PING || h.xid() == Xids.SET_WATCHES) {
                    continue;
                }
                afterReconnect.add(h.type());
                switch (h.type()) {
                    case OpCode.SYNC -> conn.reply(h.xid(), 10, 0, new SyncResponse("/locks"));
                    case OpCode.GET_CHILDREN2 -> conn.reply(h.xid(), 10, 0,
                            new GetChildren2Response(List.of("other", name), Stat.EMPTY));
                    case OpCode.EXISTS -> conn.reply(h.xid(), 10, 0, new ExistsResponse(Stat.EMPTY));
                    default -> creates.add(h.type());
                }
            }
        });
             CoordClient client = CoordClient.connect(server.connectString(), ClientOptions.builder()
                     .retryPolicy(new RetryNTimes(3, 0)).connectionTimeoutMs(3000).build())) {
            CreateResult r = client.createProtected("/locks/lock-", new byte[0], Acl.OPEN_ACL_UNSAFE,
                    CreateMode.EPHEMERAL_SEQUENTIAL);
            assertEquals(created.get() + "0000000003", r.path());
            assertTrue(r.path().startsWith("/locks/_c_") && r.path().endsWith("-lock-0000000003"), r.path());
            assertEquals(List.of(OpCode.CREATE2), creates, "the create must not be sent again");
            assertEquals(List.of(OpCode.SYNC, OpCode.GET_CHILDREN2, OpCode.EXISTS), afterReconnect);
            assertEquals(List.of(), server.errors);
        }
    }
}
