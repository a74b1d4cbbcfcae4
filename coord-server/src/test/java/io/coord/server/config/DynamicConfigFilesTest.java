package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dynamic form of a membership and the files a member writes after a change, as ZooKeeper 3.5+. */
class DynamicConfigFilesTest {
    private static final String TEXT = "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
            + "server.2=127.0.0.1:2889:3889:observer;127.0.0.1:2182\n"
            + "server.3=127.0.0.1:2890:3890:participant;127.0.0.1:2183\nversion=10000000a";

    @Test
    void textRoundTripsWithRolesClientAddressesAndHexVersion() {
        DynamicConfig c = DynamicConfig.parse(TEXT);
        assertEquals(0x10000000aL, c.version());
        assertEquals(java.util.Set.of(1L, 3L), c.voters());
        assertEquals(java.util.Set.of(2L), c.observers());
        assertEquals(TEXT, c.text());
        // newMembers may separate lines by commas.
        assertEquals(c.withVersion(0).servers(), DynamicConfig.parse(TEXT.replace('\n', ',')).servers());
        assertThrows(ConfigException.class, () -> DynamicConfig.parse("clientPort=2181"));
        assertEquals(null, DynamicConfig.parseOrNull("server.1=nonsense".getBytes()));
    }

    @Test
    void writesTheVersionedFileAndPointsTheStaticConfigAtIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("myid"), "1\n");
        Path cfg = dir.resolve("zoo.cfg");
        Files.writeString(cfg, "tickTime=2000\ndataDir=" + dir + "\nclientPort=2181\nreconfigEnabled=true\n"
                + "server.1=127.0.0.1:2888:3888\nserver.3=127.0.0.1:2890:3890\n");
        Path dynamic = DynamicConfigFiles.persist(cfg, DynamicConfig.parse(TEXT), 1);
        assertEquals(dir.resolve("zoo.cfg.dynamic.10000000a").toAbsolutePath(), dynamic);
        // ZooKeeper's form: server lines sorted as strings, the version in the name only, no final line end.
        assertEquals(TEXT.substring(0, TEXT.indexOf("\nversion=")), Files.readString(dynamic));
        String rewritten = Files.readString(cfg);
        // Server lines go, and clientPort too since member 1's own line now carries its client address.
        assertFalse(rewritten.contains("server."), rewritten);
        assertFalse(rewritten.contains("clientPort"), rewritten);
        assertTrue(rewritten.contains("reconfigEnabled=true"), rewritten);
        assertTrue(rewritten.endsWith("dynamicConfigFile=" + dynamic + "\n"), rewritten);

        // A restart reads the newest membership and version, and knows which file to rewrite next.
        ServerConfig restarted = ConfigParser.load(cfg);
        assertEquals(0x10000000aL, restarted.configVersion());
        assertEquals(java.util.Set.of(1L, 2L, 3L), restarted.servers().keySet());
        assertEquals(2181, restarted.clientAddress().getPort());
        assertTrue(restarted.reconfig().enabled());
        assertEquals(cfg.toAbsolutePath(), restarted.reconfig().configFile());
    }
}
