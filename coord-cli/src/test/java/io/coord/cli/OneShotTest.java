package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One command per run: what it prints and its exit status (0 ok, 1 operation failed, 2 usage). */
class OneShotTest extends CliTestBase {

    @Test
    void createThenGetPrintsTheData() {
        Run created = oneShot("create", "/one", "hello world");
        assertEquals(0, created.status(), created.err());
        assertEquals(List.of("Created /one"), created.outLines());
        Run got = oneShot("get", "/one");
        assertEquals(0, got.status());
        assertEquals(List.of("hello world"), got.outLines());
        assertEquals("", got.err());
    }

    @Test
    void missingNodeIsOneLineAndExitOne() {
        Run r = oneShot("get", "/no/such/node");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals(List.of("Node does not exist: /no/such/node"), r.errLines());
    }

    @Test
    void operationErrorsAreOneClearLine() {
        assertEquals(0, oneShot("create", "/errs", "x").status());
        assertEquals(0, oneShot("create", "/errs/child").status());
        assertFails(oneShot("create", "/errs"), 1, "Node already exists: /errs");
        assertFails(oneShot("set", "-v", "7", "/errs", "y"), 1, "Version does not match: /errs");
        assertFails(oneShot("delete", "/errs"), 1, "Node not empty: /errs");
        assertFails(oneShot("stat", "/errs/none"), 1, "Node does not exist: /errs/none");
        assertFails(oneShot("create", "/errs/none/deeper"), 1, "Node does not exist: /errs/none/deeper");
    }

    @Test
    void badFlagsAndArgumentsAreUsageErrorsExitTwo() {
        assertFails(oneShot("ls", "-q", "/"), 2, "ls: unknown flag -q; usage: ls [-s] [-w] [-R] path");
        assertFails(oneShot("get"), 2, "get: missing argument; usage: get [-s] [-w] path");
        assertFails(oneShot("get", "/a", "/b"), 2, "get: too many arguments; usage: get [-s] [-w] path");
        assertFails(oneShot("set", "-v", "x", "/a", "d"), 2,
                "set: -v needs a number, got 'x'; usage: set [-s] [-v version] path data");
        assertFails(oneShot("frobnicate", "/"), 2, "Unknown command: frobnicate (type help for the list)");
        assertFails(oneShot("create", "-c", "-e", "/c"), 2,
                "create: -c cannot be combined with -s, -e or -t: containers are plain persistent nodes; "
                        + "usage: create [-s] [-e] [-c] [-t ttl] path [data] [acl]");
        assertFails(oneShot("create", "/acl", "d", "world:anyone:rx"), 2,
                "bad ACL entry 'world:anyone:rx': unknown permission 'x' (use letters from crwda)");
        assertFails(oneShot("addWatch", "-m", "sometimes", "/"), 2,
                "addWatch: unknown mode 'sometimes' (persistent or persistentRecursive); usage: addWatch [-m mode] path");
        Run badPath = oneShot("get", "no-slash");
        assertEquals(2, badPath.status());
        assertEquals(1, badPath.errLines().size(), badPath.err());
        assertTrue(badPath.err().contains("must start with /"), badPath.err());
        Run badOption = run("", "-bogus", "ls", "/");
        assertEquals(2, badOption.status());
        assertTrue(badOption.err().startsWith("unknown option -bogus; usage: coord-cli"), badOption.err());
    }

    @Test
    void lsSortsChildrenAndRecursesWithR() {
        oneShot("create", "/tree");
        oneShot("create", "/tree/b");
        oneShot("create", "/tree/a");
        oneShot("create", "/tree/a/x");
        assertEquals(List.of("[a, b]"), oneShot("ls", "/tree").outLines());
        assertEquals(List.of("/tree", "/tree/a", "/tree/b", "/tree/a/x"), oneShot("ls", "-R", "/tree").outLines());
        List<String> withStat = oneShot("ls", "-s", "/tree").outLines();
        assertEquals("[a, b]", withStat.get(0));
        assertTrue(withStat.contains("numChildren = 2"), withStat.toString());
        assertEquals(List.of("3"), oneShot("getAllChildrenNumber", "/tree").outLines());
        Run deleted = oneShot("deleteall", "/tree");
        assertEquals(0, deleted.status());
        assertEquals("", deleted.out());
        assertFails(oneShot("ls", "/tree"), 1, "Node does not exist: /tree");
    }

    @Test
    void createModesAndSetWithVersion() {
        Run seq = oneShot("create", "-s", "/seq-", "x");
        assertEquals(0, seq.status(), seq.err());
        assertTrue(seq.outLines().get(0).matches("Created /seq-\\d{10}"), seq.out());
        Run ttl = oneShot("create", "-t", "60000", "/ttl", "x");
        assertEquals(List.of("Created /ttl"), ttl.outLines(), ttl.err());
        assertEquals(List.of("Created /container"), oneShot("create", "-c", "/container").outLines());
        assertEquals(List.of("Created /nodata"), oneShot("create", "/nodata").outLines());
        assertEquals(List.of("null"), oneShot("get", "/nodata").outLines());

        Run set = oneShot("set", "-s", "-v", "0", "/ttl", "y");
        assertEquals(0, set.status(), set.err());
        assertTrue(set.outLines().contains("dataVersion = 1"), set.out());
        Run quiet = oneShot("set", "/ttl", "z");
        assertEquals("", quiet.out());
        assertEquals(List.of("z"), oneShot("get", "/ttl").outLines());
        assertEquals(0, oneShot("delete", "-v", "2", "/ttl").status());
        assertFails(oneShot("get", "/ttl"), 1, "Node does not exist: /ttl");
    }

    @Test
    void aclsRoundTripAndAreEnforced() {
        String digest = io.coord.client.Digest.id("alice", "secret").id();
        assertEquals(0, oneShot("create", "/guarded", "g", "digest:" + digest + ":cdrwa,ip:127.0.0.1:r").status());
        // Without ADMIN the server hides the digest hash, as ZooKeeper does.
        assertEquals(List.of("'digest,'alice:x", ": cdrwa", "'ip,'127.0.0.1", ": r"),
                oneShot("getAcl", "/guarded").outLines());
        assertFails(oneShot("set", "/guarded", "nope"), 1, "Insufficient permission: /guarded");
        assertEquals(List.of("g"), oneShot("get", "/guarded").outLines());

        oneShot("create", "/open");
        oneShot("create", "/open/kid");
        assertEquals(0, oneShot("setAcl", "-R", "/open", "world:anyone:r").status());
        assertEquals(List.of("'world,'anyone", ": r"), oneShot("getAcl", "/open/kid").outLines());
        assertFails(oneShot("create", "/open/kid/more"), 1, "Insufficient permission: /open/kid/more");
    }

    @Test
    void unreachableServerIsOneLineExitOne() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run r = run("", "-server", "127.0.0.1:" + closedPort, "-connecttimeout", "500", "get", "/");
        assertEquals(1, r.status());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("Could not connect to 127.0.0.1:" + closedPort), r.err());
    }

    @Test
    void helpNeedsNoServer() {
        Run r = run("", "-server", "127.0.0.1:1", "help");
        assertEquals(0, r.status());
        assertEquals("Commands:", r.outLines().get(0));
        assertTrue(r.out().contains("setAcl [-s] [-v version] [-R] path acl"), r.out());
    }

    static void assertFails(Run r, int status, String line) {
        assertEquals(status, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals(List.of(line), r.errLines());
    }
}
