package io.coord.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.quorum.MemberSupervisor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link CoordServerMain#start} runs for a config: never standalone once servers are named. */
class CoordServerMainTest {

    private static String fourLetterWord(int port, String word) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static ServerConfig parse(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return ConfigParser.parse(p);
    }

    /** standaloneEnabled=false and one server.N line: a one-member ensemble that leads itself. */
    @Test
    void singleMemberWithStandaloneDisabledRunsAsAnEnsembleAndServes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "1\n");
        int clientPort = TestPorts.next();
        ServerConfig config = parse("tickTime=200\ndataDir=" + dir + "\n"
                + "4lw.commands.whitelist=*\nstandaloneEnabled=false\n"
                + "server.1=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next() + ";127.0.0.1:" + clientPort + "\n");
        try (AutoCloseable server = CoordServerMain.start(config)) {
            assertInstanceOf(MemberSupervisor.class, server);
            await().atMost(Duration.ofSeconds(30)).until(() -> fourLetterWord(clientPort, "srvr").contains("Mode: leader"));
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper("127.0.0.1:" + clientPort, 4000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertTrue(connected.await(10, TimeUnit.SECONDS));
                assertEquals("/a", zk.create("/a", new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
            } finally {
                zk.close();
            }
        }
    }

    /** A member named only by its dynamicConfigFile joins its ensemble: alone, it has no quorum. */
    @Test
    void memberOfADynamicFileIsNotStandalone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("myid"), "3\n");
        int clientPort = TestPorts.next();
        Path dynamic = dir.resolve("zoo.cfg.dynamic.0");
        Files.writeString(dynamic, "server.1=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next() + ";" + TestPorts.next() + "\n"
                + "server.2=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next() + ";" + TestPorts.next() + "\n"
                + "server.3=127.0.0.1:" + TestPorts.next() + ":" + TestPorts.next() + ";127.0.0.1:" + clientPort + "\n"
                + "version=0\n");
        ServerConfig config = parse("tickTime=200\ndataDir=" + dir + "\n4lw.commands.whitelist=*\n"
                + "dynamicConfigFile=" + dynamic + "\n");
        assertFalse(config.standalone());
        try (AutoCloseable server = CoordServerMain.start(config)) {
            assertInstanceOf(MemberSupervisor.class, server);
            await().atMost(Duration.ofSeconds(30)).until(() -> fourLetterWord(clientPort, "srvr").contains("Mode:"));
            String srvr = fourLetterWord(clientPort, "srvr");
            assertTrue(srvr.contains("Mode: looking"), srvr);
        }
    }
}
