package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --json: every result, error and event is one JSON object on its own stdout line. */
class JsonOutputTest extends CliTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void oneShotResultsParseBack() throws Exception {
        JsonNode created = single(oneShot("--json", "create", "/j", "{\"k\":1}"), 0);
        assertEquals("/j", created.get("path").asText());
        assertEquals(0, created.get("stat").get("version").asInt());

        JsonNode got = single(oneShot("--json", "get", "/j"), 0);
        assertEquals("/j", got.get("path").asText());
        assertEquals("{\"k\":1}", got.get("data").asText());
        assertEquals(7, got.get("stat").get("dataLength").asInt());
        assertTrue(got.get("stat").get("czxid").asLong() > 0);

        JsonNode set = single(oneShot("--json", "set", "-v", "0", "/j", "v2"), 0);
        assertEquals(1, set.get("stat").get("version").asInt());

        JsonNode acl = single(oneShot("--json", "getAcl", "/j"), 0);
        assertEquals("world", acl.get("acl").get(0).get("scheme").asText());
        assertEquals("anyone", acl.get("acl").get(0).get("id").asText());
        assertEquals("cdrwa", acl.get("acl").get(0).get("perms").asText());

        JsonNode nullData = single(oneShot("--json", "create", "/j/empty"), 0);
        assertEquals("/j/empty", nullData.get("path").asText());
        assertTrue(single(oneShot("--json", "get", "/j/empty"), 0).get("data").isNull());
        assertEquals(1, single(oneShot("--json", "getAllChildrenNumber", "/j"), 0).get("count").asInt());
    }

    @Test
    void errorsAreJsonObjectsWithTheExitStatus() throws Exception {
        Run missing = oneShot("--json", "get", "/missing");
        JsonNode error = single(missing, 1);
        assertEquals("NoNode", error.get("error").asText());
        assertEquals("Node does not exist: /missing", error.get("message").asText());
        assertEquals("/missing", error.get("path").asText());
        assertEquals("", missing.err());

        JsonNode usage = single(oneShot("--json", "ls", "-z", "/"), 2);
        assertEquals("Usage", usage.get("error").asText());
        assertTrue(usage.get("message").asText().startsWith("ls: unknown flag -z"));
    }

    @Test
    void pipedSessionGivesOneObjectPerResultAndEvent() throws Exception {
        String script = String.join("\n",
                "create /js a",
                "create /js/b",
                "create /js/a",
                "ls /js",
                "ls -R /js",
                "addWatch /js",
                "set /js/a changed",
                "stat /nope",
                "deleteall /js",
                "quit") + "\n";
        Run r = piped(script, "--json");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : r.outLines()) {
            lines.add(MAPPER.readTree(line));
        }
        assertEquals(List.of("b", "a"), List.of(lines.get(1).get("path").asText().substring(4),
                lines.get(2).get("path").asText().substring(4)));
        assertEquals("[\"a\",\"b\"]", lines.get(3).get("children").toString());
        assertEquals("[\"/js\",\"/js/a\",\"/js/b\"]", lines.get(4).get("paths").toString());
        assertEquals("persistentRecursive", lines.get(5).get("mode").asText());
        JsonNode event = lines.get(6);
        assertEquals("NodeDataChanged", event.get("event").asText());
        assertEquals("SyncConnected", event.get("state").asText());
        assertEquals("/js/a", event.get("path").asText());
        assertTrue(event.get("zxid").asLong() > 0);
        assertFalse(lines.get(7).has("event"), "the set's own result follows its event");
        assertEquals(1, lines.get(7).get("stat").get("version").asInt());
        assertEquals("NoNode", lines.get(8).get("error").asText());
        long deletedEvents = lines.stream().filter(n -> "NodeDeleted".equals(n.path("event").asText())).count();
        assertEquals(3, deletedEvents);
        assertEquals(3, lines.get(lines.size() - 1).get("deleted").asInt());
        assertEquals(1, r.status());
        assertEquals("", r.err());
    }

    private static JsonNode single(Run r, int status) throws Exception {
        assertEquals(status, r.status(), r.out() + r.err());
        assertEquals(1, r.outLines().size(), r.out());
        JsonNode node = MAPPER.readTree(r.outLines().get(0));
        assertTrue(node.isObject());
        return node;
    }
}
