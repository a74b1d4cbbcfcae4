package io.coord.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /zookeeper/config's text: ZooKeeper's server.N lines (with the role) and version=hex, from either source. */
class ConfigNodeTextTest {

    private static Properties props(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static String text(ServerConfig c) {
        return new String(ConfigNodeText.of(c), StandardCharsets.UTF_8);
    }

    @Test
    void staticLinesShowRolesAndVersionZero(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("myid"), "2\n");
        ServerConfig c = ConfigParser.parse(props("dataDir=" + dir + "\nclientPort=2181\n"
                + "server.3=zk3.example:2890:3890\nserver.1=127.0.0.1:2888:3888\n"
                + "server.2=127.0.0.1:2889:3889:participant\nserver.10=127.0.0.1:2891:3891:observer\n"));
        // The client address from clientPort is left out, as ZooKeeper does; lines in id order.
        assertEquals("server.1=127.0.0.1:2888:3888:participant\n"
                + "server.2=127.0.0.1:2889:3889:participant\n"
                + "server.3=zk3.example:2890:3890:participant\n"
                + "server.10=127.0.0.1:2891:3891:observer\n"
                + "version=0", text(c));
    }

    @Test
    void dynamicFileShowsClientPartsAndItsVersion(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("myid"), "1\n");
        Path dynamic = dir.resolve("zoo.cfg.dynamic.100000000");
        Files.writeString(dynamic, "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
                + "server.2=127.0.0.1:2889:3889;2182\nserver.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183\n"
                + "version=100000000\n");
        ServerConfig c = ConfigParser.parse(props("dataDir=" + dir + "\ndynamicConfigFile=" + dynamic + "\n"));
        assertEquals(0x100000000L, c.configVersion());
        assertEquals("server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
                + "server.2=127.0.0.1:2889:3889:participant;0.0.0.0:2182\n"
                + "server.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183\n"
                + "version=100000000", text(c));
    }
}
