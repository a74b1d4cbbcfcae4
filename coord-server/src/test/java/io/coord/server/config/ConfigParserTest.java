package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

    private static Properties props(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void defaultsFollowZooKeeper() throws IOException {
        ServerConfig c = ConfigParser.parse(props("tickTime=1000\ndataDir=/tmp/x\nclientPort=2181\n"));
        assertEquals(2000, c.minSessionTimeoutMs());
        assertEquals(20000, c.maxSessionTimeoutMs());
        assertEquals(Path.of("/tmp/x"), c.dataLogDir());
        assertEquals(0xfffff, c.juteMaxBuffer());
        assertTrue(c.fourLetterWordAllowed("srvr"));
        assertFalse(c.fourLetterWordAllowed("mntr"));
        assertTrue(c.extendedTypesEnabled());
        assertTrue(c.standalone());
        assertEquals(2000, c.groupCommitMaxWaitMicros());
    }

    @Test
    void readsEveryKey() throws IOException {
        ServerConfig c = ConfigParser.parse(props("""
                tickTime=200
                dataDir=/d
                dataLogDir=/l
                clientPort=0
                clientPortAddress=127.0.0.1
                minSessionTimeout=500
                maxSessionTimeout=9000
                maxClientCnxns=0
                4lw.commands.whitelist=*
                autopurge.snapRetainCount=5
                autopurge.purgeInterval=2
                snapCount=100
                jute.maxbuffer=4096
                groupCommitMaxWaitMicros=0
                """));
        assertEquals(200, c.tickTimeMs());
        assertEquals(Path.of("/l"), c.dataLogDir());
        assertEquals("127.0.0.1", c.clientAddress().getHostString());
        assertEquals(500, c.minSessionTimeoutMs());
        assertEquals(9000, c.maxSessionTimeoutMs());
        assertEquals(0, c.maxClientCnxns());
        assertTrue(c.fourLetterWordAllowed("wchp"));
        assertEquals(5, c.snapRetainCount());
        assertEquals(2, c.purgeIntervalHours());
        assertEquals(100, c.snapCount());
        assertEquals(4096, c.juteMaxBuffer());
        assertEquals(0, c.groupCommitMaxWaitMicros());
    }

    @Test
    void badValueNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("tickTime=abc\ndataDir=/d\nclientPort=1\n")));
        assertEquals("tickTime", e.key());
        assertEquals("maxSessionTimeout", assertThrows(ConfigException.class, () -> ConfigParser.parse(
                props("dataDir=/d\nclientPort=1\nminSessionTimeout=5000\nmaxSessionTimeout=100\n"))).key());
        assertEquals("dataDir", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("clientPort=1\n"))).key());
        assertEquals("4lw.commands.whitelist", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("dataDir=/d\nclientPort=1\n4lw.commands.whitelist=nope\n"))).key());
        assertEquals("autopurge.snapRetainCount", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1\n"))).key());
        assertEquals("groupCommitMaxWaitMicros", assertThrows(ConfigException.class,
                () -> ConfigParser.parse(props("dataDir=/d\nclientPort=1\ngroupCommitMaxWaitMicros=-1\n"))).key());
    }

    @Test
    void ensembleLinesNeedMyId(@TempDir Path dir) throws IOException {
        String base = "dataDir=" + dir + "\nclientPort=2181\nserver.1=127.0.0.1:2888:3888\n"
                + "server.2=127.0.0.1:2889:3889\nserver.3=127.0.0.1:2890:3890:observer\n";
        assertEquals("myid", assertThrows(ConfigException.class, () -> ConfigParser.parse(props(base))).key());
        Files.writeString(dir.resolve("myid"), "2\n");
        ServerConfig c = ConfigParser.parse(props(base));
        assertEquals(2, c.myId());
        assertEquals(3, c.servers().size());
        assertTrue(c.servers().get(3L).observer());
        assertEquals(2889, c.servers().get(2L).quorumPort());
    }
}
