package io.coord.server.admin.console;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.WatchMode;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.Stat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the web console reads and writes, done as an ordinary client of this server's own client
 * port: reads, edits and ACL checks take exactly the client path (a node the console's identity
 * may not read answers NoAuth, an edit without WRITE/CREATE/DELETE rights is refused by the
 * server), and no HTTP thread touches the tree. Anonymous requests share one session; a user who
 * sends {@code Authorization: digest user:password} gets a session authenticated as that digest
 * identity (a few are kept, least recently used dropped). Sessions are opened on the console's
 * own thread (connecting blocks); the operations themselves are asynchronous.
 *
 * <p>Live events come from one persistent recursive watch on {@code /} of the anonymous session,
 * added when the page first asks for events (so an unwatched console costs the server nothing),
 * kept in a bounded ring.
 */
public final class ConsoleBackend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBackend.class);
    /** Authenticated sessions kept at once; the least recently used is closed beyond this. */
    static final int MAX_AUTHENTICATED_SESSIONS = 4;
    static final int SESSION_TIMEOUT_MS = 30_000;
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /** How long an operation may take before the console answers 503. */
    static final long OPERATION_TIMEOUT_MS = 10_000;

    private final String connectString;
    private final ConsoleEvents events;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "coord-console");
        t.setDaemon(true);
        return t;
    });
    /** Touched only on {@link #thread}. */
    private CoordClient anonymous;
    /** The anonymous client the events watch was added on (only on {@link #thread}). */
    private CoordClient watched;
    /** By user:password; access order, touched only on {@link #thread}. */
    private final LinkedHashMap<String, CoordClient> authenticated = new LinkedHashMap<>(8, 0.75f, true);

    /**
     * @param connectString this server's own plaintext client address ({@code host:port}); null when
     *                      it has none (TLS only): the console's API then answers 503
     * @param nowMs         wall clock in ms, for the events' times
     */
    public ConsoleBackend(String connectString, LongSupplier nowMs) {
        this.connectString = connectString;
        this.events = new ConsoleEvents(ConsoleEvents.CAPACITY, nowMs);
    }

    /** A node's data (the first {@code maxDataBytes}), Stat and ACL, as {@code user} (null: anonymous) reads them. */
    public CompletableFuture<Node> node(String path, String user, int maxDataBytes) {
        return withClient(user, c -> c.getDataAsync(path).thenCombine(c.getAclAsync(path),
                (data, acl) -> Node.of(path, data.data(), data.stat(), acl.acl(), maxDataBytes)));
    }

    /** Children names sorted, {@code limit} from {@code offset}, and how many there are. */
    public CompletableFuture<Children> children(String path, String user, int offset, int limit) {
        return withClient(user, c -> c.getChildrenAsync(path).thenApply(r -> {
            List<String> names = new ArrayList<>(r.children());
            names.sort(null);
            int from = Math.min(offset, names.size());
            int to = Math.min(names.size(), from + limit);
            return new Children(path, names.size(), from, List.copyOf(names.subList(from, to)));
        }));
    }

    public CompletableFuture<String> create(String path, byte[] data, boolean sequential, boolean creatorOnly,
                                            String user) {
        List<Acl> acl = creatorOnly ? Acl.CREATOR_ALL_ACL : Acl.OPEN_ACL_UNSAFE;
        CreateMode mode = sequential ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
        return withClient(user, c -> c.createAsync(path, data, acl, mode).thenApply(r -> r.path()));
    }

    public CompletableFuture<Stat> setData(String path, byte[] data, int version, String user) {
        return withClient(user, c -> c.setDataAsync(path, data, version));
    }

    public CompletableFuture<Void> delete(String path, int version, String user) {
        return withClient(user, c -> c.deleteAsync(path, version));
    }

    /** The events after sequence number {@code after}; starts watching on the first call. */
    public CompletableFuture<ConsoleEvents.Page> events(long after) {
        return onThread(() -> {
            CoordClient c = client(null);
            if (watched != c) {
                watched = c;
                c.addWatchAsync("/", WatchMode.PERSISTENT_RECURSIVE, events::add);
            }
            return events.after(after);
        });
    }

    private <T> CompletableFuture<T> withClient(String user, Function<CoordClient, CompletableFuture<T>> op) {
        return onThread(() -> client(user)).thenCompose(op)
                .orTimeout(OPERATION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private <T> CompletableFuture<T> onThread(java.util.concurrent.Callable<T> task) {
        if (connectString == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "the console needs a plaintext clientPort (this server has only secureClientPort)"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the console is stopped"));
        }
        return result;
    }

    /** Only on {@link #thread}: the live session for {@code user} (null: anonymous), connecting if needed. */
    private CoordClient client(String user) {
        if (user == null) {
            if (anonymous == null || anonymous.isClosed()) {
                anonymous = connect(ClientOptions.builder());
            }
            return anonymous;
        }
        CoordClient c = authenticated.get(user);
        if (c == null || c.isClosed()) {
            int colon = user.indexOf(':');
            c = connect(ClientOptions.builder().digestAuth(user.substring(0, colon), user.substring(colon + 1)));
            authenticated.put(user, c);
            trimAuthenticated();
        }
        return c;
    }

    private void trimAuthenticated() {
        Iterator<Map.Entry<String, CoordClient>> it = authenticated.entrySet().iterator();
        while (authenticated.size() > MAX_AUTHENTICATED_SESSIONS && it.hasNext()) {
            CoordClient eldest = it.next().getValue();
            it.remove();
            eldest.close();
        }
    }

    private CoordClient connect(ClientOptions.Builder options) {
        return CoordClient.connect(connectString, options.sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(CONNECT_TIMEOUT_MS).build());
    }

    @Override
    public void close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                closeQuietly(anonymous);
                authenticated.values().forEach(ConsoleBackend::closeQuietly);
                authenticated.clear();
                closed.complete(null);
            });
            closed.get(CONNECT_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return; // closed already
        } catch (Exception e) {
            LOG.warn("stopping the console's sessions: {}", e.toString());
        } finally {
            thread.shutdownNow();
        }
    }

    private static void closeQuietly(CoordClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a console session: {}", e.toString());
            }
        }
    }

    /** A node as the console shows it; {@code data} holds at most the first maxDataBytes of it. */
    public record Node(String path, byte[] data, boolean truncated, Stat stat, List<Acl> acl) {
        static Node of(String path, byte[] data, Stat stat, List<Acl> acl, int maxDataBytes) {
            byte[] d = data == null ? new byte[0] : data;
            boolean truncated = d.length > maxDataBytes;
            return new Node(path, truncated ? java.util.Arrays.copyOf(d, maxDataBytes) : d, truncated, stat, acl);
        }
    }

    /** One page of a node's children (sorted names) and how many it has in all. */
    public record Children(String path, int total, int offset, List<String> names) {
    }
}
