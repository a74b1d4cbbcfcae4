package io.coord.cli;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One real Coord server per test class, and helpers that run the CLI in-process as a user would. */
abstract class CliTestBase {
    @TempDir
    static Path dataDir;
    static CoordServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = CoordServer.start(ServerConfig.builder(dataDir).clientPort(0).tickTimeMs(200).build());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    static String serverAddress() {
        return "127.0.0.1:" + server.clientPort();
    }

    /** What one CLI run printed and returned. */
    record Run(int status, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** One-shot: {@code coord-cli -server <test server> args...}. */
    static Run oneShot(String... args) {
        return run("", withServer(args));
    }

    /** A scripted shell: {@code stdin} piped into {@code coord-cli -server <test server> args...}. */
    static Run piped(String stdin, String... args) {
        return run(stdin, withServer(args));
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = new CoordCli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e, false)
                    .run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static String[] withServer(String... args) {
        List<String> all = new ArrayList<>(List.of("-server", serverAddress()));
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }
}
