package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell fed through stdin, as {@code printf '...' | coord-cli} would: the whole transcript. */
class ScriptedSessionTest extends CliTestBase {
    private static final String WATCHER = "WATCHER:: WatchedEvent state:SyncConnected type:";
    /** Stands for the 11 lines a stat prints; {@link #assertTranscript} checks their shape. */
    private static final String STAT = "<stat>";

    @Test
    void sessionTranscript() {
        String script = String.join("\n",
                "create /s x",
                "set -v 0 /s y",
                "get -s /s",
                "create /s/c1 'one two'",
                "create /s/c1/g \"deep \\\"quoted\\\"\"",
                "ls -R /s",
                "stat /s",
                "set -v 5 /s nope",
                "",
                "addWatch /s",
                "set /s/c1 changed",
                "get /s/c1/g",
                "deleteall /s",
                "ls /s",
                "quit",
                "get /never-run") + "\n";
        Run r = piped(script);

        assertTranscript(List.of(
                "Created /s",
                "y", STAT,
                "Created /s/c1",
                "Created /s/c1/g",
                "/s", "/s/c1", "/s/c1/g",
                STAT,
                WATCHER + "NodeDataChanged path:/s/c1",
                "deep \"quoted\"",
                WATCHER + "NodeDeleted path:/s/c1/g",
                WATCHER + "NodeDeleted path:/s/c1",
                WATCHER + "NodeDeleted path:/s"), r.outLines());
        assertEquals(List.of("Version does not match: /s", "Node does not exist: /s"), r.errLines());
        assertEquals(1, r.status(), "piped input exits with the worst status of its commands");
        List<String> firstStat = r.outLines().subList(2, 13);
        assertTrue(firstStat.contains("dataVersion = 1"), firstStat.toString());
        List<String> secondStat = r.outLines().subList(18, 29);
        assertTrue(secondStat.contains("numChildren = 1"), secondStat.toString());
    }

    @Test
    void oneShotWatchesFireOnceAndRemoveWatchesReports() {
        String script = String.join("\n",
                "create /w a",
                "get -w /w",
                "ls -w /w",
                "stat -w /w/kid",
                "set /w b",
                "set /w c",
                "create /w/kid",
                "addWatch -m persistent /w",
                "removewatches /w -a",
                "removewatches /w",
                "quit") + "\n";
        Run r = piped(script);
        assertEquals(List.of(
                "Created /w",
                "a",
                "[]",
                WATCHER + "NodeDataChanged path:/w",
                WATCHER + "NodeCreated path:/w/kid",
                WATCHER + "NodeChildrenChanged path:/w",
                "Created /w/kid",
                WATCHER + "PersistentWatchRemoved path:/w"), r.outLines());
        assertEquals(List.of("Node does not exist: /w/kid", "No such watch: /w"), r.errLines());
        assertEquals(1, r.status());
    }

    @Test
    void removewatchesLocalDropsTheWatchWithoutTheServer() {
        String script = String.join("\n",
                "create /lw a",
                "get -w /lw",
                "removewatches /lw -d -l",
                "set /lw b",
                "removewatches /lw -l",
                "quit") + "\n";
        Run r = piped(script);
        assertEquals(List.of("Created /lw", "a", WATCHER + "DataWatchRemoved path:/lw"), r.outLines(),
                "the server's side of the watch fires on set, but no listener is left to hear it");
        assertEquals(List.of("No such watch: /lw"), r.errLines());
    }

    @Test
    void cleanScriptExitsZeroAndSessionCommandsWork() {
        String script = String.join("\n",
                "create -e /eph x",
                "create -e -s /eph-",
                "getEphemerals",
                "sync /",
                "close",
                "get /eph",
                "connect " + serverAddress(),
                "getEphemerals /",
                "quit") + "\n";
        Run r = piped(script);
        List<String> out = r.outLines();
        assertEquals("Created /eph", out.get(0));
        assertTrue(out.get(1).matches("Created /eph-\\d{10}"), out.get(1));
        assertEquals("[/eph, " + out.get(1).substring("Created ".length()) + "]", out.get(2));
        assertEquals("Sync is OK", out.get(3));
        assertEquals("[]", out.get(4), "the ephemerals went with the closed session");
        assertEquals(List.of("Not connected; use connect host:port"), r.errLines());
        assertEquals(1, r.status());

        Run clean = piped("create /clean\ndelete /clean\n");
        assertEquals(0, clean.status(), clean.err());
        assertEquals(List.of("Created /clean"), clean.outLines());
    }

    @Test
    void addauthAuthenticatesTheLiveSession() {
        String digest = io.coord.client.Digest.id("bob", "pw").id();
        String script = String.join("\n",
                "create /bobs data digest:" + digest + ":cdrwa",
                "create -e /eph x",
                "get /bobs",
                "addauth digest bob:pw",
                "get /bobs",
                "getEphemerals",
                "addauth nosuchscheme x",
                "quit") + "\n";
        Run r = piped(script);
        // A rejected scheme makes the server drop the connection: the shell may print the
        // Disconnected/SyncConnected events of the reconnect, which are not asserted here.
        List<String> out = r.outLines().stream().filter(l -> !l.startsWith("WATCHER::")).toList();
        assertEquals(List.of("Created /bobs", "Created /eph", "data", "[/eph]"), out,
                "same session after addauth: its ephemeral is still there");
        assertEquals(List.of("Insufficient permission: /bobs", "Authentication failed"), r.errLines(), r.err());
    }

    @Test
    void badLinesAreReportedAndTheShellGoesOn() {
        Run r = piped("get\ncreate /q 'unterminated\nbogus\ncreate /q ok\nget /q\n");
        assertEquals(List.of("Created /q", "ok"), r.outLines());
        assertEquals(List.of("get: missing argument; usage: get [-s] [-w] path",
                "unterminated ' quote",
                "Unknown command: bogus (type help for the list)"), r.errLines());
        assertEquals(2, r.status());
    }

    /** Compares line by line; each {@link #STAT} stands for 11 "name = value" stat lines. */
    private static void assertTranscript(List<String> expected, List<String> actual) {
        List<String> normalised = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            if (actual.get(i).startsWith("cZxid = 0x")) {
                for (int j = i; j < i + 11; j++) {
                    assertTrue(j < actual.size() && actual.get(j).matches("\\w+ = .+"), "stat line " + j + " in " + actual);
                }
                assertTrue(actual.get(i + 10).startsWith("numChildren = "), actual.toString());
                normalised.add(STAT);
                i += 10;
            } else {
                normalised.add(actual.get(i));
            }
        }
        assertEquals(expected, normalised, String.join("\n", actual));
    }
}
