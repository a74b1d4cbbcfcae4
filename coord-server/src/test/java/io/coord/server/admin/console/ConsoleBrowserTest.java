package io.coord.server.admin.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in a real browser: Debian's headless Chromium loads {@code /console#/path},
 * the page's script runs (fetching from the console API), and the DOM it leaves shows the node's
 * data, version and children count; a screenshot of the same page is saved
 * ({@code coord.console.screenshot}, default target/console-screenshot.png). It runs wherever
 * /usr/bin/chromium is installed (about half a minute on a loaded 2-core machine; {@code
 * -Dcoord.browserTests=false} turns it off) and is skipped, saying so, where it is absent. Chromium is driven by its command line alone (no WebDriver,
 * no new dependency); every process it starts is ended before the test returns.
 */
class ConsoleBrowserTest {
    static final Path CHROMIUM = Path.of(System.getProperty("coord.chromium", "/usr/bin/chromium"));
    static final long CHROMIUM_TIMEOUT_S = 90;

    @TempDir
    Path tmp;

    @Test
    void theConsoleShowsANodeInHeadlessChromium() throws Exception {
        Assumptions.assumeFalse("false".equals(System.getProperty("coord.browserTests")),
                "skipped: -Dcoord.browserTests=false");
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "skipped: " + CHROMIUM
                + " is absent; install Debian's chromium package (apt-get install chromium) to run the console in a"
                + " real browser");
        ServerConfig config = ServerConfig.builder(tmp.resolve("data")).clientPort(TestPorts.next()).tickTimeMs(200)
                .build();
        try (CoordServer server = CoordServer.start(config);
             ConsoleBackend backend = new ConsoleBackend("127.0.0.1:" + server.clientPort(), System::currentTimeMillis);
             AdminServer admin = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                     server.statusSource(), new CommandAnswers(config, "", () -> null), null,
                     new ConsoleRoutes(backend));
             CoordClient client = CoordClient.connect("127.0.0.1:" + server.clientPort())) {
            for (String p : List.of("/services", "/services/orders", "/services/billing", "/locks", "/app")) {
                client.create(p, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            client.create("/app/config", "{\"replicas\": 3}".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE,
                    CreateMode.PERSISTENT);
            for (int i = 0; i < 3; i++) {
                client.create("/app/config/shard-" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            client.setData("/app/config", "{\"replicas\": 5, \"region\": \"eu-west\"}".getBytes(StandardCharsets.UTF_8),
                    -1);
            client.setData("/app/config", "{\"replicas\": 5, \"region\": \"eu-west-1\"}".getBytes(StandardCharsets.UTF_8),
                    -1); // version 2
            String url = "http://127.0.0.1:" + admin.port() + "/console#/app/config";

            String dom = chromium(url, "--dump-dom");
            assertEquals("/app/config", text(dom, "<h2 id=\"node-path\">(.*?)</h2>"), dom);
            assertEquals("{\"replicas\": 5, \"region\": \"eu-west-1\"}", text(dom, "<pre id=\"node-data\">(.*?)</pre>"));
            assertEquals("2", text(dom, "<tr id=\"stat-version\"><td>version</td><td>(.*?)</td>"));
            assertEquals("3", text(dom, "<tr id=\"stat-numChildren\"><td>numChildren</td><td>(.*?)</td>"));
            assertTrue(dom.contains("class=\"znode selected\" href=\"#/app/config\" data-path=\"/app/config\""),
                    "the tree was opened down to the node and marks it: " + dom);
            assertTrue(dom.contains("data-path=\"/services\""), "the root's children are listed");

            Path png = Path.of(System.getProperty("coord.console.screenshot", "target/console-screenshot.png"))
                    .toAbsolutePath();
            Files.createDirectories(png.getParent());
            Files.deleteIfExists(png);
            chromium(url, "--screenshot=" + png);
            assertTrue(Files.size(png) > 10_000, "a screenshot was written to " + png);
        }
    }

    private static String text(String dom, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(dom);
        assertTrue(m.find(), regex + " in " + dom);
        return m.group(1);
    }

    /** Runs headless Chromium on {@code url} with {@code action}; returns what it printed (the DOM for --dump-dom). */
    private String chromium(String url, String action) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        File out = tmp.resolve("chromium.out").toFile();
        File err = tmp.resolve("chromium.err").toFile();
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=1280,720", "--virtual-time-budget=8000", action, url));
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        try {
            if (!p.waitFor(CHROMIUM_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish in " + CHROMIUM_TIMEOUT_S + " s: "
                        + Files.readString(err.toPath()));
            }
            assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(err.toPath()));
            return Files.readString(out.toPath(), StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            // Helpers Chromium left behind are recognised by this run's own profile directory.
            String mine = "--user-data-dir=" + profile;
            ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> List.of(a).contains(mine))
                    .orElse(false)).forEach(ProcessHandle::destroyForcibly);
        }
    }
}
