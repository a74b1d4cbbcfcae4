package io.coord.server.admin.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.server.CoordServer;
import io.coord.server.TestPorts;
import io.coord.server.admin.AdminServer;
import io.coord.server.admin.CommandAnswers;
import io.coord.server.config.AdminConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.NettyTransport;
import io.coord.server.tree.DigestAuth;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console's page and JSON API on a standalone server: what a node shows, paged children,
 * path and parameter checks (400, never a broken connection), and edits that need the
 * {@code Authorization: digest} header (401) and the node's ACL rights (403), decided by the
 * server's own check.
 */
class ConsoleApiTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "digest alice:secret";
    private static final String BOB = "digest bob:pw";

    @TempDir
    static Path tmp;
    static CoordServer server;
    static ConsoleBackend backend;
    static AdminServer admin;
    static CoordClient alice;

    @BeforeAll
    static void start() throws Exception {
        ServerConfig config = ServerConfig.builder(tmp.resolve("data")).clientPort(TestPorts.next()).tickTimeMs(200)
                .build();
        server = CoordServer.start(config);
        backend = new ConsoleBackend("127.0.0.1:" + server.clientPort(), System::currentTimeMillis);
        admin = AdminServer.start(AdminConfig.loopback(TestPorts.next()), NettyTransport.of("nio"),
                server.statusSource(), new CommandAnswers(config, "", () -> null), null, new ConsoleRoutes(backend));
        alice = CoordClient.connect("127.0.0.1:" + server.clientPort(),
                ClientOptions.builder().digestAuth("alice", "secret").build());
        alice.create("/app", "{\"a\": 1}".getBytes(StandardCharsets.UTF_8), Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        for (int i = 0; i < 5; i++) {
            alice.create("/app/c" + i, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        alice.setData("/app", "{\"a\": 2}".getBytes(StandardCharsets.UTF_8), -1); // version 1
        alice.create("/readable", "r".getBytes(StandardCharsets.UTF_8), Acl.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<Acl> aliceOnly = List.of(new Acl(Perms.ALL, new Id("digest", DigestAuth.generate("alice:secret"))));
        alice.create("/secret", "s".getBytes(StandardCharsets.UTF_8), aliceOnly, CreateMode.PERSISTENT);
    }

    @AfterAll
    static void stop() throws Exception {
        List<AutoCloseable> all = new ArrayList<>(List.of(alice, admin, backend, server));
        for (AutoCloseable c : all) {
            if (c != null) {
                c.close();
            }
        }
    }

    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    static Answer get(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static Answer post(String op, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/console/api/" + op)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void thePageAndItsFilesAreServedFromTheJarAndNothingElse() throws Exception {
        Answer page = get("/console", null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("/console/console.js") && page.body().contains("Coord console"), page.body());
        assertEquals(200, get("/console/console.js", null).status());
        assertEquals(200, get("/console/console.css", null).status());
        assertEquals(404, get("/console/../commands/ruok", null).status());
        assertEquals(404, get("/console/ConsoleRoutes.class", null).status());
        assertEquals(404, get("/console/api/nope", null).status());
    }

    @Test
    void aNodeShowsItsDataStatAclAndChildrenCount() throws Exception {
        Answer a = get("/console/api/node?path=" + q("/app"), null);
        assertEquals(200, a.status(), a.body());
        JsonNode n = a.json();
        assertEquals("{\"a\": 2}", new String(Base64.getDecoder().decode(n.get("data_base64").asText()),
                StandardCharsets.UTF_8));
        assertFalse(n.get("data_truncated").asBoolean());
        assertEquals(1, n.get("stat").get("version").asInt());
        assertEquals(5, n.get("stat").get("numChildren").asInt());
        assertEquals(alice.exists("/app").mzxid(), n.get("stat").get("mzxid").asLong());
        assertEquals("world", n.get("acl").get(0).get("scheme").asText());
        assertEquals(Perms.ALL, n.get("acl").get(0).get("perms").asInt());
        assertEquals(404, get("/console/api/node?path=" + q("/missing"), null).status());
    }

    @Test
    void childrenArePagedInNameOrder() throws Exception {
        JsonNode page = get("/console/api/children?path=" + q("/app") + "&offset=1&limit=2", null).json();
        assertEquals(5, page.get("total").asInt());
        assertEquals("[\"c1\",\"c2\"]", page.get("children").toString());
        JsonNode last = get("/console/api/children?path=" + q("/app") + "&offset=4&limit=500", null).json();
        assertEquals("[\"c4\"]", last.get("children").toString());
        assertEquals(400, get("/console/api/children?path=/app&limit=0", null).status());
        assertEquals(400, get("/console/api/children?path=/app&limit=501", null).status());
        assertEquals(400, get("/console/api/children?path=/app&offset=abc", null).status());
        assertEquals(400, get("/console/api/children?path=/app&offset=-1", null).status());
    }

    @Test
    void badPathsAre400WithTheReasonAndTheConnectionServesOn() throws Exception {
        for (String bad : List.of("app", "/app/", "/app//c1", "/app/..", "/app/./c1", "/a\u0000b", "")) {
            Answer a = get("/console/api/node?path=" + q(bad), null);
            assertEquals(400, a.status(), bad + ": " + a.body());
            assertTrue(a.json().get("error").asText().contains("path"), a.body());
        }
        assertEquals(400, post("create", "{\"path\": \"/app/\", \"data\": \"x\"}", ALICE).status());
        assertEquals(400, post("delete", "{\"path\": \"/\"}", ALICE).status());
        assertEquals(200, get("/console/api/node?path=/app", null).status());
    }

    @Test
    void editsNeedTheAuthorizationHeader() throws Exception {
        Answer none = post("create", "{\"path\": \"/app/x\", \"data\": \"x\"}", null);
        assertEquals(401, none.status(), none.body());
        assertEquals(401, post("create", "{\"path\": \"/app/x\"}", "Basic YWxpY2U6c2VjcmV0").status());
        assertEquals(401, post("create", "{\"path\": \"/app/x\"}", "digest nocolon").status());
        assertEquals(405, get("/console/api/create?path=/app/x", ALICE).status());
        assertEquals(400, post("create", "not json", ALICE).status());
        assertEquals(400, post("set", "{\"path\": \"/app\", \"version\": \"one\"}", ALICE).status());
        assertEquals(null, alice.exists("/app/x"), "nothing was created");
    }

    @Test
    void editsAndReadsAreRefusedWithoutAclRights() throws Exception {
        Answer set = post("set", "{\"path\": \"/readable\", \"data\": \"changed\"}", BOB);
        assertEquals(403, set.status(), set.body());
        assertEquals("NOAUTH", set.json().get("code").asText());
        assertEquals("r", alice.getData("/readable").text());
        assertEquals(403, post("create", "{\"path\": \"/secret/c\", \"data\": \"x\"}", BOB).status());
        assertEquals(403, get("/console/api/node?path=/secret", null).status());
        assertEquals(403, get("/console/api/node?path=/secret", BOB).status());
        Answer asAlice = get("/console/api/node?path=/secret", ALICE);
        assertEquals(200, asAlice.status(), asAlice.body());
        assertEquals("digest", asAlice.json().get("acl").get(0).get("scheme").asText());
    }

    @Test
    void anAuthorizedUserCreatesSetsAndDeletes() throws Exception {
        Answer created = post("create", "{\"path\": \"/secret/made\", \"data\": \"v0\"}", ALICE);
        assertEquals(200, created.status(), created.body());
        assertEquals("v0", alice.getData("/secret/made").text());
        Answer stale = post("set", "{\"path\": \"/secret/made\", \"data\": \"v1\", \"version\": 7}", ALICE);
        assertEquals(409, stale.status(), stale.body());
        Answer set = post("set", "{\"path\": \"/secret/made\", \"data\": \"v1\", \"version\": 0}", ALICE);
        assertEquals(200, set.status(), set.body());
        assertEquals(1, set.json().get("stat").get("version").asInt());
        assertEquals("v1", alice.getData("/secret/made").text());
        assertEquals(200, post("delete", "{\"path\": \"/secret/made\", \"version\": 1}", ALICE).status());
        assertEquals(null, alice.exists("/secret/made"));
    }

    @Test
    void eventsShowChangesAfterThePageStartedWatching() throws Exception {
        JsonNode first = get("/console/api/events?after=0", null).json();
        long after = first.get("last").asLong();
        alice.create("/app/evt", new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> {
            JsonNode page = get("/console/api/events?after=" + after, null).json();
            for (JsonNode e : page.get("events")) {
                if (e.get("path").asText().equals("/app/evt") && e.get("type").asText().equals("NODE_CREATED")) {
                    return true;
                }
            }
            return false;
        });
        alice.delete("/app/evt", -1);
        assertEquals(400, get("/console/api/events?after=x", null).status());
    }
}
