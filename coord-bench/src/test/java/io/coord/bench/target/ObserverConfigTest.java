package io.coord.bench.target;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare --observers: the member config marks the last members :observer, and Coord reads it so. */
class ObserverConfigTest {
    @Test
    void observerMembersAreWrittenAndReadAsObservers(@TempDir Path dir) throws IOException {
        List<MemberAddress> members = List.of(new MemberAddress(1, 2181, 2888, 3888),
                new MemberAddress(2, 2182, 2889, 3889), new MemberAddress(3, 2183, 2890, 3890, true));
        Files.writeString(dir.resolve("myid"), "3\n");
        String cfg = ServerKind.COORD.ensembleConfig(dir, members.get(2), members, 2000);
        assertTrue(cfg.contains("server.3=127.0.0.1:2890:3890:observer\n"), cfg);
        assertTrue(cfg.contains("server.1=127.0.0.1:2888:3888\n"), cfg);
        assertTrue(cfg.contains("peerType=observer\n"), cfg);
        Properties props = new Properties();
        props.load(new StringReader(cfg));
        ServerConfig parsed = ConfigParser.parse(props);
        assertTrue(parsed.servers().get(3L).observer());
        assertFalse(parsed.servers().get(1L).observer());
        assertFalse(ServerKind.COORD.ensembleConfig(dir, members.get(0), members, 2000).contains("peerType"));
    }
}
