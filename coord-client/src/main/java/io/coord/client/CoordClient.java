package io.coord.client;

import io.coord.client.CoordException.BadArgumentsException;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.InvalidAclException;
import io.coord.client.CoordException.RequestRejectedException;
import io.coord.client.WatchRegistry.Kind;
import io.coord.wire.Acl;
import io.coord.wire.AddWatchRequest;
import io.coord.wire.Create2Response;
import io.coord.wire.CreateMode;
import io.coord.wire.CreateRequest;
import io.coord.wire.CreateTTLRequest;
import io.coord.wire.DeleteRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.ExistsRequest;
import io.coord.wire.ExistsResponse;
import io.coord.wire.GetACLRequest;
import io.coord.wire.GetACLResponse;
import io.coord.wire.GetAllChildrenNumberRequest;
import io.coord.wire.GetAllChildrenNumberResponse;
import io.coord.wire.GetChildren2Request;
import io.coord.wire.GetChildren2Response;
import io.coord.wire.GetDataRequest;
import io.coord.wire.GetDataResponse;
import io.coord.wire.GetEphemeralsRequest;
import io.coord.wire.GetEphemeralsResponse;
import io.coord.wire.JuteRecord;
import io.coord.wire.MultiOp;
import io.coord.wire.MultiRequest;
import io.coord.wire.OpCode;
import io.coord.wire.ReconfigRequest;
import io.coord.wire.RemoveWatchesRequest;
import io.coord.wire.SetACLRequest;
import io.coord.wire.SetACLResponse;
import io.coord.wire.SetDataRequest;
import io.coord.wire.SetDataResponse;
import io.coord.wire.Stat;
import io.coord.wire.SyncRequest;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The native Coord client. Every operation has an async form ({@code xxxAsync}, a
 * {@link CompletableFuture} completed on the callback executor) and a blocking twin. Failures are
 * {@link CoordException}s: the futures complete with them directly, the blocking methods throw them.
 *
 * <p><b>Retries.</b> After a {@link ConnectionLossException} the {@link RetryPolicy} re-runs the
 * operations that are safe to repeat: reads, exists, sync, addWatch, and setData/delete/setAcl
 * with an explicit version. Plain creates and transactions are never retried;
 * {@link #createProtected} is.
 *
 * <p><b>Sessions.</b> A lost connection is {@link ConnectionState#SUSPENDED}; the client moves
 * to the next server at once and reattaches the session ({@link ConnectionState#RECONNECTED}),
 * re-registering every watch relative to the last zxid it saw, so changes made meanwhile still
 * fire. The session is {@link ConnectionState#LOST} when a server says it expired, or, like
 * Curator, as soon as no server has been reached for a whole negotiated session timeout since the
 * connection dropped (by then the server has most likely expired it, and the client cannot tell).
 * On LOST the client fails what was pending with SessionExpired and drops all watches; the next
 * connection opens a new session ({@link ConnectionState#CONNECTED} again) — a session declared
 * LOST locally is abandoned, never reattached, even if the server still held it (the server then
 * expires it, with its ephemerals, after its timeout). Later operations run in the new session.
 *
 * <p><b>Threads.</b> Do not call blocking methods from a callback, watch or state listener when
 * the callback executor is the client's own single thread: it would wait for itself (the client
 * detects this and throws IllegalStateException).
 */
public final class CoordClient implements AutoCloseable {
    private static final long CLOSE_TIMEOUT_MS = 3000;
    /** Where an ensemble member keeps its membership (ZooKeeper's ZooDefs.CONFIG_NODE). */
    public static final String CONFIG_NODE = "/zookeeper/config";

    private final ClientSession session;
    private final ConnectString connectString;
    private final ClientOptions options;
    private final ClientThreads threads;
    private final Retrier retrier;
    /** How a request travels: path checks, retries, the reply's error, blocking waits. */
    private final Requests requests;

    private CoordClient(ConnectString cs, ClientOptions options) {
        this.connectString = cs;
        this.options = options;
        this.threads = new ClientThreads(options);
        EventLoop loop = threads.loop();
        try {
            session = new ClientSession(cs, options, loop, threads.callbacks());
        } catch (RuntimeException e) {
            threads.shutdown(0); // e.g. a TLS store that cannot be read: no threads left behind
            throw e;
        }
        retrier = new Retrier(options.retryPolicy(),
                (task, delayMs) -> loop.schedule(task, delayMs, TimeUnit.MILLISECONDS), System::nanoTime);
        requests = new Requests(session, retrier, threads, this::serverPath);
    }

    /**
     * Connects and waits until a session is established, at most connectionTimeoutMs.
     *
     * @param connectString {@code "host1:2181,host2:2181/optional/chroot"}
     * @throws ConnectionLossException when no server answered in time
     */
    public static CoordClient connect(String connectString, ClientOptions options) {
        CoordClient client = new CoordClient(ConnectString.parse(connectString), options);
        client.session.start();
        try {
            client.session.firstSession().get(options.connectionTimeoutMs(), TimeUnit.MILLISECONDS);
            return client;
        } catch (TimeoutException | ExecutionException e) {
            client.close();
            if (e.getCause() instanceof CoordException.AuthFailedException authFailed) {
                throw authFailed;
            }
            throw new ConnectionLossException(null, "could not connect to " + connectString + " within "
                    + options.connectionTimeoutMs() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.close();
            throw new RequestRejectedException(null, "interrupted while connecting");
        }
    }

    public static CoordClient connect(String connectString) {
        return connect(connectString, ClientOptions.defaults());
    }

    /** The current session id (0 between an expiry and the next session). */
    public long sessionId() {
        return session.sessionId();
    }

    /** The session password, to attach another client to this session (tools and tests). */
    public byte[] sessionPassword() {
        return requests.await(session.password());
    }

    public int negotiatedSessionTimeoutMs() {
        return session.negotiatedTimeoutMs();
    }

    public boolean isConnected() {
        return session.isConnected();
    }

    /**
     * True once {@link #close()} was called (or the client crashed through its fault injector):
     * calls are then rejected, and state listeners added from now on never hear
     * {@link ConnectionState#CLOSED}. Lets code that waits for an event stop waiting.
     */
    public boolean isClosed() {
        return session.isClosed();
    }

    /** The largest request this client sends (its {@link ClientOptions#maxPacketBytes()}). */
    public int maxPacketBytes() {
        return options.maxPacketBytes();
    }

    public String chroot() {
        return connectString.chroot();
    }

    public void addConnectionStateListener(ConnectionStateListener listener) {
        session.addStateListener(listener);
    }

    public void removeConnectionStateListener(ConnectionStateListener listener) {
        session.removeStateListener(listener);
    }

    // ---- auth ----

    /**
     * Authenticates this session with {@code scheme} and {@code auth} (for {@code digest}:
     * {@code "user:password"} in UTF-8) on the live connection, or on the next one when
     * disconnected. The credential is sent again after every reconnect, and in any new session
     * after LOST, before any other request. Completes when the server accepts it; fails with
     * {@link CoordException.AuthFailedException} when it refuses it: the server then drops the
     * connection (SUSPENDED, then RECONNECTED in the same session, requests in flight fail with
     * ConnectionLoss) and the client forgets that credential. Fails with ConnectionLoss when no
     * connection answered within connectionTimeoutMs; the credential is still sent on the next.
     */
    public CompletableFuture<Void> addAuthAsync(String scheme, byte[] auth) {
        if (scheme == null || scheme.isEmpty() || auth == null) {
            return CompletableFuture.failedFuture(new BadArgumentsException(null, "scheme and auth are required"));
        }
        return session.addAuth(scheme, auth.clone());
    }

    public void addAuth(String scheme, byte[] auth) {
        requests.await(addAuthAsync(scheme, auth));
    }

    // ---- create ----

    public CompletableFuture<CreateResult> createAsync(String path, byte[] data, List<Acl> acl, CreateMode mode) {
        return createAsync(path, data, acl, mode, 0);
    }

    /** Creates a node; {@code ttlMs} is for the TTL modes only (and required there). Never retried. */
    public CompletableFuture<CreateResult> createAsync(String path, byte[] data, List<Acl> acl, CreateMode mode,
                                                       long ttlMs) {
        try {
            Paths.checkCreate(path, acl, mode, ttlMs);
        } catch (CoordException e) {
            return CompletableFuture.failedFuture(e);
        }
        return createOnce(path, data, acl, mode, ttlMs);
    }

    public CreateResult create(String path, byte[] data, List<Acl> acl, CreateMode mode) {
        return requests.await(createAsync(path, data, acl, mode));
    }

    public CreateResult create(String path, byte[] data, List<Acl> acl, CreateMode mode, long ttlMs) {
        return requests.await(createAsync(path, data, acl, mode, ttlMs));
    }

    /**
     * A create that is safe to retry: the node's name gets the prefix {@code _c_<uuid>-} (so
     * {@code /locks/lock-} becomes {@code /locks/_c_<uuid>-lock-0000000007} in a sequential mode).
     * After a connection loss the parent is synced and its children are listed, and a node with that
     * prefix, if found, is the result; otherwise the create is retried. So a retry does not leave an
     * orphan, except when the lost attempt reaches the leader only after the probe's sync (in an
     * ensemble, a member can still forward it after the client left): a retry policy that sleeps
     * a little before retrying makes that window negligible.
     */
    public CompletableFuture<CreateResult> createProtectedAsync(String path, byte[] data, List<Acl> acl,
                                                                CreateMode mode) {
        try {
            Paths.checkCreate(path, acl, mode, mode.isTtl() ? 1 : 0);
            if (mode.isTtl()) {
                throw new BadArgumentsException(path, "createProtected does not take TTL modes");
            }
        } catch (CoordException e) {
            return CompletableFuture.failedFuture(e);
        }
        ProtectedCreate create = new ProtectedCreate(path);
        return retrier.run(() -> createOnce(create.path, data, acl, mode, 0), () -> create.find(this));
    }

    public CreateResult createProtected(String path, byte[] data, List<Acl> acl, CreateMode mode) {
        return requests.await(createProtectedAsync(path, data, acl, mode));
    }

    private CompletableFuture<CreateResult> createOnce(String path, byte[] data, List<Acl> acl, CreateMode mode,
                                                       long ttlMs) {
        String sp = serverPath(path);
        int op;
        JuteRecord body;
        if (mode.isTtl()) {
            op = OpCode.CREATE_TTL;
            body = new CreateTTLRequest(sp, data, acl, mode.flag(), ttlMs);
        } else {
            op = mode.isContainer() ? OpCode.CREATE_CONTAINER : OpCode.CREATE2;
            body = new CreateRequest(sp, data, acl, mode.flag());
        }
        return requests.call(op, body, path, null, reply -> {
            Create2Response r = (Create2Response) reply.body();
            return new CreateResult(connectString.toClientPath(r.path()), r.stat());
        });
    }

    // ---- delete, setData, setAcl ----

    /** Deletes a node at {@code version} (-1: any). Retried after connection loss only with a version. */
    public CompletableFuture<Void> deleteAsync(String path, int version) {
        return requests.op(path, version != -1, () -> requests.call(OpCode.DELETE,
                new DeleteRequest(serverPath(path), version), path, null, r -> null));
    }

    public void delete(String path, int version) {
        requests.await(deleteAsync(path, version));
    }

    public CompletableFuture<Stat> setDataAsync(String path, byte[] data, int version) {
        return requests.op(path, version != -1, () -> requests.call(OpCode.SET_DATA,
                new SetDataRequest(serverPath(path), data, version), path, null,
                r -> ((SetDataResponse) r.body()).stat()));
    }

    public Stat setData(String path, byte[] data, int version) {
        return requests.await(setDataAsync(path, data, version));
    }

    public CompletableFuture<Stat> setAclAsync(String path, List<Acl> acl, int version) {
        if (acl == null || acl.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidAclException(path));
        }
        return requests.op(path, version != -1, () -> requests.call(OpCode.SET_ACL,
                new SetACLRequest(serverPath(path), acl, version), path, null,
                r -> ((SetACLResponse) r.body()).stat()));
    }

    public Stat setAcl(String path, List<Acl> acl, int version) {
        return requests.await(setAclAsync(path, acl, version));
    }

    // ---- reads ----

    /** The node's Stat, or null when it does not exist. */
    public CompletableFuture<Stat> existsAsync(String path) {
        return existsAsync(path, null);
    }

    /** Like {@link #existsAsync(String)}; a non-null watcher fires once on creation, change or deletion. */
    public CompletableFuture<Stat> existsAsync(String path, WatchListener watcher) {
        return requests.op(path, true, () -> requests.rawCall(OpCode.EXISTS,
                new ExistsRequest(serverPath(path), watcher != null), path,
                watcher == null ? null : reply -> {
                    int err = reply.header().err();
                    if (err == 0) {
                        session.watchesInLoop().add(Kind.DATA, path, watcher);
                    } else if (err == ErrorCode.NONODE.code()) {
                        session.watchesInLoop().add(Kind.EXIST, path, watcher);
                    }
                }, reply -> {
                    int err = reply.header().err();
                    if (err == ErrorCode.NONODE.code()) {
                        return null;
                    }
                    Requests.throwIfError(reply, path);
                    return ((ExistsResponse) reply.body()).stat();
                }));
    }

    public Stat exists(String path) {
        return requests.await(existsAsync(path));
    }

    public Stat exists(String path, WatchListener watcher) {
        return requests.await(existsAsync(path, watcher));
    }

    public CompletableFuture<DataResult> getDataAsync(String path) {
        return getDataAsync(path, null);
    }

    /** The node's data; a non-null watcher fires once on its change or deletion. */
    public CompletableFuture<DataResult> getDataAsync(String path, WatchListener watcher) {
        return requests.op(path, true, () -> requests.rawCall(OpCode.GET_DATA,
                new GetDataRequest(serverPath(path), watcher != null), path, registering(Kind.DATA, path, watcher),
                r -> dataResult(r, path)));
    }

    public DataResult getData(String path) {
        return requests.await(getDataAsync(path));
    }

    public DataResult getData(String path, WatchListener watcher) {
        return requests.await(getDataAsync(path, watcher));
    }

    public CompletableFuture<ChildrenResult> getChildrenAsync(String path) {
        return getChildrenAsync(path, null);
    }

    /** The node's children; a non-null watcher fires once when they change or the node is deleted. */
    public CompletableFuture<ChildrenResult> getChildrenAsync(String path, WatchListener watcher) {
        return requests.op(path, true, () -> requests.call(OpCode.GET_CHILDREN2,
                new GetChildren2Request(serverPath(path), watcher != null), path,
                registering(Kind.CHILD, path, watcher), r -> {
                    GetChildren2Response g = (GetChildren2Response) r.body();
                    return new ChildrenResult(g.children(), g.stat());
                }));
    }

    public ChildrenResult getChildren(String path) {
        return requests.await(getChildrenAsync(path));
    }

    public ChildrenResult getChildren(String path, WatchListener watcher) {
        return requests.await(getChildrenAsync(path, watcher));
    }

    public CompletableFuture<AclResult> getAclAsync(String path) {
        return requests.op(path, true, () -> requests.call(OpCode.GET_ACL, new GetACLRequest(serverPath(path)), path,
                null, r -> {
            GetACLResponse g = (GetACLResponse) r.body();
            return new AclResult(g.acl(), g.stat());
        }));
    }

    public AclResult getAcl(String path) {
        return requests.await(getAclAsync(path));
    }

    /** Waits until the server this client talks to has caught up with the leader for {@code path}. */
    public CompletableFuture<Void> syncAsync(String path) {
        return requests.op(path, true,
                () -> requests.call(OpCode.SYNC, new SyncRequest(serverPath(path)), path, null, r -> null));
    }

    public void sync(String path) {
        requests.await(syncAsync(path));
    }

    /** Paths of this session's ephemeral nodes that start with {@code prefix} ("/" for all). */
    public CompletableFuture<List<String>> getEphemeralsAsync(String prefix) {
        return requests.op(prefix, true, () -> requests.call(OpCode.GET_EPHEMERALS,
                new GetEphemeralsRequest(serverPath(prefix)), prefix, null, r -> {
                    List<String> out = new ArrayList<>();
                    for (String p : ((GetEphemeralsResponse) r.body()).ephemerals()) {
                        out.add(connectString.toClientPath(p));
                    }
                    return List.copyOf(out);
                }));
    }

    public List<String> getEphemerals(String prefix) {
        return requests.await(getEphemeralsAsync(prefix));
    }

    /** The number of descendants of {@code path} (not counting itself). */
    public CompletableFuture<Integer> getAllChildrenNumberAsync(String path) {
        return requests.op(path, true, () -> requests.call(OpCode.GET_ALL_CHILDREN_NUMBER,
                new GetAllChildrenNumberRequest(serverPath(path)), path, null,
                r -> ((GetAllChildrenNumberResponse) r.body()).totalNumber()));
    }

    public int getAllChildrenNumber(String path) {
        return requests.await(getAllChildrenNumberAsync(path));
    }

    // ---- membership (ZooKeeper 3.5+ dynamic reconfiguration) ----

    /**
     * The ensemble's membership as {@code /zookeeper/config} holds it: {@code server.N=...} lines and
     * {@code version=<hex>}; its Stat's mzxid is that version. Read at the real path even under a
     * chroot, as ZooKeeper's {@code getConfig} does; a non-null watcher fires once when the next
     * reconfig commits. (Under a chroot the watch is not re-registered after a reconnect.)
     */
    public CompletableFuture<DataResult> getConfigAsync(WatchListener watcher) {
        return requests.rawCall(OpCode.GET_DATA, new GetDataRequest(CONFIG_NODE, watcher != null), CONFIG_NODE,
                registering(Kind.DATA, CONFIG_NODE, watcher), r -> dataResult(r, CONFIG_NODE));
    }

    public DataResult getConfig(WatchListener watcher) {
        return requests.await(getConfigAsync(watcher));
    }

    /**
     * ZooKeeper's reconfig (op 16): incremental with {@code joining} ({@code server.N=host:quorum:election
     * [:participant|:observer];[clientHost:]clientPort}, comma-separated) and/or {@code leaving} (ids,
     * comma-separated), or non-incremental with {@code newMembers} (the whole new membership); null for an
     * unused argument. {@code fromConfig} is the config version expected ({@code -1}: any). Completes with
     * the new config (as {@link #getConfigAsync}); fails with BadVersion for a stale fromConfig, NoAuth
     * (super user or WRITE on /zookeeper/config needed), or {@code code()} NEWCONFIGNOQUORUM,
     * RECONFIGINPROGRESS, RECONFIGDISABLED. Never retried: a lost reply may still have committed.
     */
    public CompletableFuture<DataResult> reconfigAsync(String joining, String leaving, String newMembers,
                                                       long fromConfig) {
        return requests.rawCall(OpCode.RECONFIG, new ReconfigRequest(joining, leaving, newMembers, fromConfig), null,
                null, r -> dataResult(r, null));
    }

    public DataResult reconfig(String joining, String leaving, String newMembers, long fromConfig) {
        return requests.await(reconfigAsync(joining, leaving, newMembers, fromConfig));
    }

    private static DataResult dataResult(Call.Reply reply, String path) {
        Requests.throwIfError(reply, path);
        GetDataResponse g = (GetDataResponse) reply.body();
        return new DataResult(g.data(), g.stat());
    }

    // ---- watches ----

    /** Subscribes {@code listener} to {@code path} until removed; survives reconnects. */
    public CompletableFuture<Void> addWatchAsync(String path, WatchMode mode, WatchListener listener) {
        if (listener == null || mode == null) {
            return CompletableFuture.failedFuture(new BadArgumentsException(path, "listener and mode are required"));
        }
        Kind kind = mode == WatchMode.PERSISTENT ? Kind.PERSISTENT : Kind.RECURSIVE;
        return requests.op(path, true, () -> requests.call(OpCode.ADD_WATCH,
                new AddWatchRequest(serverPath(path), mode.code()), path, registering(kind, path, listener),
                r -> null));
    }

    public void addWatch(String path, WatchMode mode, WatchListener listener) {
        requests.await(addWatchAsync(path, mode, listener));
    }

    /**
     * Removes {@code listener} (or, when null, every listener) of the given type at {@code path}.
     * Removed listeners get a DATA_WATCH_REMOVED, CHILD_WATCH_REMOVED or PERSISTENT_WATCH_REMOVED
     * event. Fails with NOWATCHER when nothing matched. The server is told once no listener of
     * that kind remains at the path.
     */
    public CompletableFuture<Void> removeWatchesAsync(String path, WatchType type, WatchListener listenerOrNull) {
        return removeWatchesAsync(path, type, listenerOrNull, false);
    }

    /**
     * Like {@link #removeWatchesAsync(String, WatchType, WatchListener)}; with {@code local} the
     * server is not asked, so it works while disconnected. The server may keep its side of the
     * watch until it fires once or the connection drops (a reconnect re-registers only the
     * watches the client still has); a notification for it reaches no listener.
     */
    public CompletableFuture<Void> removeWatchesAsync(String path, WatchType type, WatchListener listenerOrNull,
                                                      boolean local) {
        try {
            Paths.validate(path, false);
        } catch (CoordException e) {
            return CompletableFuture.failedFuture(e);
        }
        return new WatchRemoval(this, session, path, type, listenerOrNull, local).run();
    }

    public void removeWatches(String path, WatchType type, WatchListener listenerOrNull) {
        requests.await(removeWatchesAsync(path, type, listenerOrNull));
    }

    public void removeWatches(String path, WatchType type, WatchListener listenerOrNull, boolean local) {
        requests.await(removeWatchesAsync(path, type, listenerOrNull, local));
    }

    CompletableFuture<Void> sendRemoveWatches(String path, int wireType) {
        return requests.rawCall(OpCode.REMOVE_WATCHES, new RemoveWatchesRequest(serverPath(path), wireType), path, null,
                reply -> {
                    int err = reply.header().err();
                    if (err != 0 && err != ErrorCode.NOWATCHER.code()) {
                        Requests.throwIfError(reply, path);
                    }
                    return null;
                });
    }

    // ---- transactions ----

    public Transaction transaction() {
        return new Transaction(this);
    }

    CompletableFuture<List<OpResult>> multiAsync(List<MultiOp> ops, List<String> clientPaths) {
        MultiRequest req = new MultiRequest(ops);
        return requests.rawCall(req.opCode(), req, null, null,
                reply -> Transactions.results(reply, clientPaths, connectString));
    }

    // ---- plumbing ----

    String serverPath(String clientPath) {
        return connectString.toServerPath(clientPath);
    }

    private Consumer<Call.Reply> registering(Kind kind, String path, WatchListener watcher) {
        if (watcher == null) {
            return null;
        }
        return reply -> {
            if (reply.header().err() == 0) {
                session.watchesInLoop().add(kind, path, watcher);
            }
        };
    }

    /** Waits for {@code f}, throwing its CoordException as is (for {@link Transaction}). */
    <T> T await(CompletableFuture<T> f) {
        return requests.await(f);
    }

    /** Closes the session (ephemerals go at once) and releases threads and sockets. */
    @Override
    public void close() {
        CompletableFuture<Void> closed = session.closeAsync();
        if (!threads.onOwnThread()) {
            try {
                closed.get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // Best effort: resources are released below anyway.
            }
        }
        threads.shutdown(CLOSE_TIMEOUT_MS);
    }
}
