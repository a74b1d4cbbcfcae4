package io.coord.server.admin.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coord.client.CoordException;
import io.coord.server.admin.AdminAuth;
import io.coord.server.tree.PathRules;
import io.coord.wire.Acl;
import io.coord.wire.Stat;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on the AdminServer: its page ({@code /console}, three files shipped in the jar)
 * and the small JSON API the page uses ({@code /console/api/...}); the rest of what it shows comes
 * from the AdminServer's own commands. Every input is checked here, on the I/O thread, before any
 * work: a bad path, number or body is a 400 with the reason, never an exception. Answers are
 * bounded: at most {@link #MAX_DATA_BYTES} of a node's data and {@link #MAX_PAGE} children at once.
 *
 * <p>Reads are anonymous unless the request carries {@code Authorization: digest user:password}
 * (the header the snapshot and restore commands take); edits (POST create, set, delete) need it
 * (401 without), and the server's ACL check decides (403 without the rights). A browser sends that
 * header only from the console's own page (another origin would need CORS, which is not offered),
 * so a foreign page cannot make a signed-in browser edit.
 */
public final class ConsoleRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);
    public static final String PREFIX = "/console";
    static final String API = PREFIX + "/api/";
    static final int MAX_DATA_BYTES = 64 * 1024;
    static final int MAX_PAGE = 500;
    static final int DEFAULT_PAGE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8");

    private final ConsoleBackend backend;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    /** Loads the page's files now: a jar without them fails at start-up, not on the first visit. */
    public ConsoleRoutes(ConsoleBackend backend) {
        this.backend = backend;
        for (String name : FILES.keySet()) {
            try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("the console's " + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the console's " + name + ": " + e, e);
            }
        }
    }

    public static boolean handles(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    /** Answers one request under {@link #PREFIX}; the request is not used after this returns. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.startsWith(API)) {
            String name = path.equals(PREFIX) || path.equals(PREFIX + "/") ? "index.html"
                    : path.substring(PREFIX.length() + 1);
            byte[] body = files.get(name);
            if (body == null || !request.method().equals(HttpMethod.GET)) {
                send(ctx, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "not found\n".getBytes(StandardCharsets.UTF_8), keepAlive);
            } else {
                send(ctx, HttpResponseStatus.OK, FILES.get(name), body, keepAlive);
            }
            return;
        }
        CompletableFuture<Object> answer;
        try {
            answer = api(path.substring(API.length()), request, uri);
        } catch (BadRequest e) {
            json(ctx, e.status, Map.of("error", e.getMessage()), keepAlive);
            return;
        } catch (IllegalArgumentException e) { // a path PathRules refuses
            json(ctx, HttpResponseStatus.BAD_REQUEST, Map.of("error", "bad path: " + e.getMessage()), keepAlive);
            return;
        }
        ctx.channel().config().setAutoRead(false); // one request at a time per connection
        answer.whenComplete((body, failure) -> ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(true);
            if (failure == null) {
                json(ctx, HttpResponseStatus.OK, body, keepAlive);
            } else {
                refused(ctx, failure, keepAlive);
            }
        }));
    }

    /** Checks the request and starts the work; throws BadRequest for what it cannot take. */
    private CompletableFuture<Object> api(String op, FullHttpRequest request, QueryStringDecoder uri) {
        boolean post = request.method().equals(HttpMethod.POST);
        String user = credentials(request, post);
        switch (op) {
            case "node" -> {
                String path = znodePath(param(uri, "path", "/"));
                return backend.node(path, user, MAX_DATA_BYTES).thenApply(ConsoleRoutes::nodeJson);
            }
            case "children" -> {
                String path = znodePath(param(uri, "path", "/"));
                int offset = number(uri, "offset", 0, 0, Integer.MAX_VALUE);
                int limit = number(uri, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
                return backend.children(path, user, offset, limit).thenApply(c -> Map.of("path", c.path(),
                        "total", c.total(), "offset", c.offset(), "children", c.names()));
            }
            case "events" -> {
                long after = number(uri, "after", 0, 0, Integer.MAX_VALUE);
                return backend.events(after).thenApply(p -> Map.of("last", p.last(), "missed", p.missed(),
                        "events", p.events().stream().map(e -> Map.of("seq", e.seq(), "time_ms", e.timeMs(),
                                "type", e.type(), "path", e.path(), "zxid", e.zxid())).toList()));
            }
            case "whoami" -> {
                return CompletableFuture.completedFuture(Map.of("authenticated", user != null,
                        "user", user == null ? "" : user.substring(0, user.indexOf(':'))));
            }
            case "create", "set", "delete" -> {
                if (!post) {
                    throw new BadRequest(HttpResponseStatus.METHOD_NOT_ALLOWED, op + " takes a POST");
                }
                return edit(op, body(request), user);
            }
            default -> throw new BadRequest(HttpResponseStatus.NOT_FOUND, "no console API call '" + op + "'");
        }
    }

    private CompletableFuture<Object> edit(String op, JsonNode body, String user) {
        String path = body.path("path").isTextual() ? body.get("path").asText() : null;
        byte[] data = body.path("data").asText("").getBytes(StandardCharsets.UTF_8);
        int version = body.has("version") ? intField(body, "version") : -1;
        return switch (op) {
            case "create" -> {
                boolean sequential = body.path("sequential").asBoolean(false);
                PathRules.validate(checked(path), sequential);
                yield backend.create(path, data, sequential, body.path("creatorOnly").asBoolean(false), user)
                        .thenApply(created -> Map.of("path", created));
            }
            case "set" -> backend.setData(znodePath(path), data, version, user)
                    .thenApply(stat -> Map.of("path", path, "stat", statJson(stat)));
            default -> {
                if ("/".equals(znodePath(path))) {
                    throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "the root cannot be deleted");
                }
                yield backend.delete(path, version, user).thenApply(v -> Map.of("path", path, "deleted", true));
            }
        };
    }

    /** The header's user:password; edits need it (401), reads take it if sent. */
    private static String credentials(FullHttpRequest request, boolean required) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String user = AdminAuth.digestCredentials(header);
        if (user == null && (required || header != null)) {
            throw new BadRequest(HttpResponseStatus.UNAUTHORIZED, header == null
                    ? "edits need an Authorization header: digest user:password"
                    : "the Authorization header must be: digest user:password");
        }
        return user;
    }

    private static JsonNode body(FullHttpRequest request) {
        try {
            JsonNode node = JSON.readTree(ByteBufUtil.getBytes(request.content()));
            if (node == null || !node.isObject()) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "the body cannot be read: " + e.getMessage());
        }
    }

    private static int intField(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, name + " must be an integer");
        }
        return v.intValue();
    }

    private static String param(QueryStringDecoder uri, String name, String dflt) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? dflt : values.get(0);
    }

    private static int number(QueryStringDecoder uri, String name, int dflt, int min, int max) {
        String text = param(uri, name, null);
        if (text == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(text);
            if (v < min || v > max) {
                throw new BadRequest(HttpResponseStatus.BAD_REQUEST, name + " must be in [" + min + ", " + max + "]");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, name + " must be a number, was \"" + text + "\"");
        }
    }

    private static String checked(String path) {
        if (path == null) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "path is missing");
        }
        return path;
    }

    private static String znodePath(String path) {
        try {
            PathRules.validate(checked(path), false);
            return path;
        } catch (IllegalArgumentException e) {
            throw new BadRequest(HttpResponseStatus.BAD_REQUEST, "bad path: " + e.getMessage());
        }
    }

    private static Map<String, Object> nodeJson(ConsoleBackend.Node n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", n.path());
        m.put("data_base64", Base64.getEncoder().encodeToString(n.data()));
        m.put("data_truncated", n.truncated());
        m.put("stat", statJson(n.stat()));
        List<Map<String, Object>> acl = new ArrayList<>();
        for (Acl a : n.acl()) {
            acl.add(Map.of("scheme", a.id().scheme(), "id", a.id().id(), "perms", a.perms()));
        }
        m.put("acl", acl);
        return m;
    }

    private static Map<String, Object> statJson(Stat s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("czxid", s.czxid());
        m.put("mzxid", s.mzxid());
        m.put("pzxid", s.pzxid());
        m.put("ctime", s.ctime());
        m.put("mtime", s.mtime());
        m.put("version", s.version());
        m.put("cversion", s.cversion());
        m.put("aversion", s.aversion());
        m.put("ephemeralOwner", s.ephemeralOwner());
        m.put("dataLength", s.dataLength());
        m.put("numChildren", s.numChildren());
        return m;
    }

    /** Maps a failed operation to its HTTP status: the server's error code when it refused. */
    private static void refused(ChannelHandlerContext ctx, Throwable failure, boolean keepAlive) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        HttpResponseStatus status;
        String message;
        if (cause instanceof CoordException ce) {
            status = switch (ce.code()) {
                case NONODE -> HttpResponseStatus.NOT_FOUND;
                case NOAUTH -> HttpResponseStatus.FORBIDDEN;
                case NODEEXISTS, BADVERSION, NOTEMPTY, NOCHILDRENFOREPHEMERALS -> HttpResponseStatus.CONFLICT;
                case BADARGUMENTS, INVALIDACL -> HttpResponseStatus.BAD_REQUEST;
                case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT -> HttpResponseStatus.SERVICE_UNAVAILABLE;
                default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            };
            message = ce.code().name() + (ce.path() == null ? "" : " for " + ce.path());
        } else if (cause instanceof TimeoutException || cause instanceof IllegalStateException) {
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
            message = cause instanceof TimeoutException ? "the server did not answer in time" : cause.getMessage();
        } else {
            LOG.warn("console request failed: {}", cause.toString(), cause);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            message = "internal error: " + cause;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (cause instanceof CoordException ce) {
            body.put("code", ce.code().name());
        }
        json(ctx, status, body, keepAlive);
    }

    private static void json(ChannelHandlerContext ctx, HttpResponseStatus status, Object body, boolean keepAlive) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            bytes = "{\"error\":\"cannot write the answer as JSON\"}".getBytes(StandardCharsets.UTF_8);
        }
        send(ctx, status, "application/json", bytes, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, byte[] body,
                             boolean keepAlive) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        r.headers().set("X-Content-Type-Options", "nosniff");
        // The page runs only its own script and style, and is never framed (no clickjacking of edits).
        r.headers().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'");
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Input the console refuses before doing anything. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpResponseStatus status;

        BadRequest(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
