package io.coord.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary tarball as an operator meets it: unpacked somewhere else, with a {@code mvn} on the
 * PATH that records any call, it starts a server with {@code bin/coord-server start}, serves
 * {@code bin/coord-cli}, reads the data directory with {@code bin/coord-admin}, and stops — all
 * from lib/, with no build and no source tree.
 */
class DistributionTest {
    private static final long STEP_TIMEOUT_S = 90;

    @Test
    void theTarballRunsAServerTheCliAndTheAdminToolWithoutMaven(@TempDir Path dir) throws Exception {
        Path tarball = tarball();
        run(dir, List.of("tar", "xzf", tarball.toString(), "-C", dir.toString()), null);
        Path home;
        try (Stream<Path> s = Files.list(dir)) {
            home = s.filter(p -> p.getFileName().toString().startsWith("coord-")).findFirst().orElseThrow();
        }
        for (String script : List.of("coord-server", "coord-cli", "coord-admin", "coord-ensemble")) {
            assertTrue(Files.isExecutable(home.resolve("bin").resolve(script)), script);
        }
        assertTrue(Files.exists(home.resolve("conf/coord.service")));
        assertTrue(Files.exists(home.resolve("docs/README.md")));
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("coord-server-")));
        }

        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mavenCalled = dir.resolve("maven-was-called");
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + mavenCalled + "'\nexit 97\n");
        mvn.toFile().setExecutable(true);
        String path = fakeBin + ":" + System.getenv("PATH");

        int port = freePort();
        Path data = dir.resolve("data");
        Path conf = dir.resolve("coord.cfg");
        Files.writeString(conf, "tickTime=2000\ndataDir=" + data + "\nclientPortAddress=127.0.0.1\nclientPort=" + port
                + "\nadmin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n");
        Path server = home.resolve("bin/coord-server");
        try {
            String started = run(dir, List.of(server.toString(), "start", conf.toString()), path);
            assertTrue(started.contains("Coord started"), started);
            String cli = run(dir, List.of(home.resolve("bin/coord-cli").toString(), "-server", "127.0.0.1:" + port,
                    "create", "/from-tarball", "hello"), path);
            assertFalse(cli.contains("Building"), cli);
            String got = run(dir, List.of(home.resolve("bin/coord-cli").toString(), "-server", "127.0.0.1:" + port,
                    "get", "/from-tarball"), path);
            assertTrue(got.contains("hello"), got);
        } finally {
            run(dir, List.of(server.toString(), "stop", conf.toString()), path);
        }
        String verify = run(dir, List.of(home.resolve("bin/coord-admin").toString(), "verify", data.toString()), path);
        assertFalse(verify.contains("Building"), verify);
        assertFalse(Files.exists(mavenCalled), "a script called mvn");
        try (Stream<Path> s = Files.list(home)) {
            assertEquals(List.of("bin", "conf", "docs", "lib"),
                    s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("logs")).sorted().toList());
        }
    }

    private static Path tarball() throws IOException {
        Path target = Paths.get(System.getProperty("coord.dist.dir", "target"));
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("coord-.*-bin\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no coord-*-bin.tar.gz in " + target));
        }
    }

    /** Runs {@code cmd} in {@code dir} (PATH replaced when given); its output; fails on a non-zero exit. */
    private static String run(Path dir, List<String> cmd, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        if (path != null) {
            pb.environment().put("PATH", path);
            pb.environment().put("COORD_LOG_DIR", dir.resolve("logs").toString());
        }
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(STEP_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish in " + STEP_TIMEOUT_S + " s: " + Files.readString(out));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), cmd + " failed: " + text);
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
