package io.coord.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What one command produced, in both forms: text lines for people and one JSON object for scripts. */
final class Result {
    private final ObjectNode json = JsonNodeFactory.instance.objectNode();
    private final List<String> lines = new ArrayList<>();

    /** A result whose JSON starts with {@code "path": path}. */
    static Result forPath(String path) {
        Result r = new Result();
        r.json.put("path", path);
        return r;
    }

    ObjectNode json() {
        return json;
    }

    List<String> lines() {
        return lines;
    }

    Result line(String line) {
        lines.add(line);
        return this;
    }

    Result lines(Collection<String> more) {
        lines.addAll(more);
        return this;
    }
}
