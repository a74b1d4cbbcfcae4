package io.coord.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** GETs against an AdminServer (or any HTTP port) on loopback, for tests. */
public final class AdminHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminHttp() {
    }

    public record Answer(int status, String body) {
        public JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    public static Answer get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    /** The JSON of {@code /commands/<name>}, which must answer 200. */
    public static JsonNode command(int port, String name) throws IOException, InterruptedException {
        Answer a = get(port, "/commands/" + name);
        if (a.status() != 200) {
            throw new AssertionError(name + " answered HTTP " + a.status() + ": " + a.body());
        }
        return a.json();
    }

    public static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
