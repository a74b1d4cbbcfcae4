package io.coord.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Writes results, errors and watch events, as text or (with --json) one JSON object per line.
 * Watch events come from the client's callback thread while the main thread prints results, so
 * every write holds one lock; in the interactive shell events go through JLine (printAbove) so
 * they do not tear the line being edited.
 */
final class Printer {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean json;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    private volatile Consumer<String> eventSink;

    Printer(PrintStream out, PrintStream err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** Routes watch events to {@code sink} (JLine's printAbove) instead of stdout. */
    void eventSink(Consumer<String> sink) {
        eventSink = sink;
    }

    void result(Result r) {
        synchronized (lock) {
            if (json) {
                out.println(write(r.json()));
            } else {
                r.lines().forEach(out::println);
            }
            out.flush();
        }
    }

    /** One error line: text on stderr, or a JSON object on stdout where scripts read results. */
    void error(String kind, String message, String path) {
        synchronized (lock) {
            if (json) {
                ObjectNode o = mapper.createObjectNode();
                o.put("error", kind);
                o.put("message", message);
                if (path != null) {
                    o.put("path", path);
                }
                out.println(write(o));
                out.flush();
            } else {
                out.flush();
                err.println(message);
                err.flush();
            }
        }
    }

    /** A remark for the person at the keyboard; never mixed into results, so it goes to stderr. */
    void notice(String message) {
        synchronized (lock) {
            out.flush();
            err.println(message);
            err.flush();
        }
    }

    /** A watch or connection event, formatted like zkCli's WATCHER lines. */
    void event(String state, String type, String path, long zxid) {
        String line;
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("event", type);
            o.put("state", state);
            o.put("path", path);
            if (zxid != 0) {
                o.put("zxid", zxid);
            }
            line = write(o);
        } else {
            line = "WATCHER:: WatchedEvent state:" + state + " type:" + type + " path:" + path;
        }
        Consumer<String> sink = eventSink;
        synchronized (lock) {
            if (sink != null) {
                sink.accept(line);
            } else {
                out.println(line);
                out.flush();
            }
        }
    }

    private String write(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain JSON nodes always serialises", e);
        }
    }
}
