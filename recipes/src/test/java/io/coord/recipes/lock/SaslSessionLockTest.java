package io.coord.recipes.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.CoordException;
import io.coord.client.RetryNTimes;
import io.coord.server.CoordServer;
import io.coord.server.config.SaslConfig;
import io.coord.server.config.ServerConfig;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mutex on sessions that log in with SASL (DIGEST-MD5), under a node only the SASL user may
 * touch: the recipe works unchanged, and a session without SASL cannot take part.
 */
class SaslSessionLockTest {
    @TempDir
    Path dir;

    @Test
    void mutexWorksOnSaslSessionsUnderASaslAcl() throws Exception {
        SaslConfig sasl = new SaslConfig(Map.of("alice", "alice-secret"), "Server", "test", false, false, false, false);
        try (CoordServer server = CoordServer.start(ServerConfig.builder(dir).clientPort(0).tickTimeMs(200)
                .sasl(sasl).build())) {
            String connect = "127.0.0.1:" + server.clientPort();
            ClientOptions aliceOptions = ClientOptions.builder().sessionTimeoutMs(4000).connectionTimeoutMs(5000)
                    .retryPolicy(new RetryNTimes(10, 100)).saslDigest("alice", "alice-secret").build();
            try (CoordClient a = CoordClient.connect(connect, aliceOptions);
                 CoordClient b = CoordClient.connect(connect, aliceOptions);
                 CoordClient plain = CoordClient.connect(connect, ClientOptions.builder().connectionTimeoutMs(5000).build())) {
                a.create("/locks", new byte[0], List.of(new Acl(Perms.ALL, new Id("sasl", "alice"))), CreateMode.PERSISTENT);
                DistributedMutex first = new DistributedMutex(a, "/locks/m");
                DistributedMutex second = new DistributedMutex(b, "/locks/m");
                Lease lease = first.acquire();
                assertTrue(lease.isValid());
                assertFalse(second.tryAcquire(200, TimeUnit.MILLISECONDS).isPresent(), "both held the lock");
                lease.release();
                Lease next = second.tryAcquire(5, TimeUnit.SECONDS).orElseThrow();
                assertTrue(next.fencingToken() > lease.fencingToken());
                next.release();

                // Its lock node would be a new child of /locks, which only sasl:alice may create.
                DistributedMutex outsider = new DistributedMutex(plain, "/locks/other");
                assertThrows(CoordException.NoAuthException.class, outsider::acquire);
                assertEquals(List.of(), a.getChildren("/locks/m").children());
            }
        }
    }
}
