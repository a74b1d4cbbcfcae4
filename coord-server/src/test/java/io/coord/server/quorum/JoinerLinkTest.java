package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.coord.server.TestPorts;
import io.coord.server.config.ServerAddress;
import io.coord.server.net.NettyTransport;
import io.coord.server.zab.ZabMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A joiner (member 2) knows member 1, which does not know it: member 2 dials the lower id itself
 * after a grace period, and member 1 takes the link only with reconfig on (acceptUnknownMembers);
 * once member 1 takes a configuration naming member 2 ({@code updateMembers}) it keeps the link.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JoinerLinkTest {

    @Test
    void aJoinerReachesAnEnsembleThatDoesNotKnowItOnlyWithReconfig() throws Exception {
        ServerAddress one = new ServerAddress(1, "127.0.0.1", TestPorts.next(), 0, false);
        ServerAddress two = new ServerAddress(2, "127.0.0.1", TestPorts.next(), 0, false);
        for (boolean reconfig : new boolean[] {false, true}) {
            RecordingInbound atOne = new RecordingInbound();
            QuorumTransport ensemble = new QuorumTransport(1, Map.of(1L, one), atOne, NettyTransport.NIO);
            QuorumTransport joiner = new QuorumTransport(2, Map.of(1L, one, 2L, two), new RecordingInbound(),
                    NettyTransport.NIO);
            ensemble.acceptUnknownMembers(reconfig);
            try {
                ensemble.start();
                joiner.start();
                if (!reconfig) {
                    Thread.sleep(3_500); // past the grace period: the joiner has dialed and been refused
                    assertFalse(ensemble.connected(2));
                    continue;
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> ensemble.connected(2) && joiner.connected(1));
                joiner.send(1, new ZabMessage.Ping(1, 1, 0, 0, true));
                await().atMost(Duration.ofSeconds(10)).until(() -> atOne.zabReceived.get() == 1);
                ensemble.updateMembers(Map.of(1L, one, 2L, two)); // the reconfig committed
                await().atMost(Duration.ofSeconds(10)).until(() -> ensemble.connected(2) && joiner.connected(1));
            } finally {
                ensemble.close();
                joiner.close();
            }
        }
    }
}
