package io.coord.server.pipeline;

import io.coord.server.admin.QuorumStatus;
import io.coord.server.admin.ServerStatus;
import io.coord.server.admin.StatusSource;
import java.util.concurrent.CompletableFuture;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.tree.ExpiryScan;
import io.coord.server.zab.Actions;
import io.coord.server.zab.LogEntry;
import io.coord.server.zab.Membership;
import io.coord.server.zab.Role;
import io.coord.server.zab.StorageOp;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import io.coord.server.zab.Zxid;
import io.coord.wire.ConnectRequest;
import io.coord.wire.JuteRecord;
import io.coord.wire.OpCode;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline of an ensemble member. One thread (the request thread) owns the tree, the
 * sessions, the watches <em>and</em> the {@link ZabCore}: every input of the core (quorum message,
 * tick, proposal, durability report) is a task on that thread, and the core's applies are applied
 * to the tree before the next input, so the state the core's StateProvider serialises is exactly
 * the applied state without any hand-off between threads.
 *
 * <p>No speculative apply: the tree only receives committed txns. Writes go to the leader (see
 * {@link EnsembleLeader}); every member applies what the core commits, fires watches, and the
 * member holding the client's connection replies ({@link EnsembleClients}). Whenever this member
 * stops serving (election, leader lost, session with the leader restarted) every client connection
 * is closed: clients reconnect, possibly elsewhere, and reads never see a stale leader's view.
 */
public final class EnsembleProcessor extends ClientIntake implements StatusSource, QuorumInbound, RequestLoop.Handler,
        AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleProcessor.class);

    /** What builds the core once the processor exists (the core needs our StateProvider). */
    public interface CoreFactory extends Function<io.coord.server.zab.StateProvider, ZabCore> {
    }

    private final ServerConfig config;
    private final Clock clock;
    /** ZooKeeper's replication figures, and when recent zxids were proposed (follower lag in ms). */
    private final QuorumFigures figures;
    private final long myId;
    private final ZabCore core;
    private final ZabStorage storage;
    private final QuorumLink link;
    private final RequestLoop thread;
    private final EnsembleClients clients;
    private EnsembleLeader leader;
    private boolean serving;
    private final java.util.concurrent.CountDownLatch servingLatch = new java.util.concurrent.CountDownLatch(1);
    private Role servedRole = Role.LOOKING;
    private final ReadOnlyMode.Switch readOnly;
    private long servedEpoch = -1;
    private final int coreTickMs;
    private final EnsembleSessionTicks sessionTicks;
    private long nextTickMs;
    private long nextExpiryScanMs;
    /** Set by the start task on the request thread; ticks wait for it. */
    private boolean coreStarted;
    private boolean pumping;
    private final CoalescedReport persistedReports;
    // Periodic snapshots: taken only where every storage op issued so far is durable.
    private long issuedSeq;
    private long persistedSeq;
    private final SnapshotSchedule snapshots;
    private final FatalHandler fatal;
    /** The log is out of space (sole voter): writes are refused until it has room. */
    private final DiskFullMode diskFull;
    private Consumer<Membership> configChanges = m -> { };

    /**
     * @param random session passwords and the spread of snapshot points: a SecureRandom in production
     * @param fatal  what the request thread (tree and ZAB core) does when a task fails unexpectedly
     *               ({@link FatalHandler#HALT} in production)
     * @param loops  makes the loop that runs the tasks: {@link RequestLoop.Factory#thread} in
     *               production, the simulation's own event loop under test
     */
    public EnsembleProcessor(ServerConfig config, Clock clock, MemberState state, long stateZxid,
                             CoreFactory coreFactory, int coreTickMs, ZabStorage storage, QuorumLink link,
                             StorageInfo storageInfo, byte[] secret, RandomGenerator random, FatalHandler fatal,
                             RequestLoop.Factory loops) {
        this.config = config;
        this.fatal = fatal;
        this.coreTickMs = coreTickMs;
        this.clock = clock;
        this.myId = config.myId();
        this.storage = storage;
        this.link = link;
        this.clients = new EnsembleClients(config, clock, state, stateZxid, connections, storageInfo, secret, this,
                random);
        this.diskFull = new DiskFullMode(clients);
        this.core = coreFactory.apply(clients::snapshotBlob);
        this.figures = clients.stats().quorum.use(core.stats(), config, clock, link);
        this.thread = loops.create(this, fatal);
        this.persistedReports = new CoalescedReport(thread, this::onPersisted);
        this.snapshots = new SnapshotSchedule(config.snapCount(), random, storage, clients::state);
        this.sessionTicks = new EnsembleSessionTicks(sessionMember(), coreTickMs);
        this.readOnly = new ReadOnlyMode.Switch(config, clock.nowMs());
    }

    /** Takes each committed configuration (links, dynamic file: quorum.MembershipChanges); set before start. */
    public void onConfigChange(Consumer<Membership> listener) {
        this.configChanges = listener;
    }

    public void start() {
        thread.start();
        submit(() -> {
            coreStarted = true;
            execute(core.start());
        });
    }

    // ------------------------------------------------------------------ any thread

    @Override
    void submit(Runnable task) {
        thread.submit(() -> {
            task.run();
            afterTask();
        });
    }

    /** Inputs the last task left for the core: syncs asked by clients, then queued proposals. */
    private void afterTask() {
        snapshots.afterTask(core.appliedZxid(), issuedSeq == persistedSeq,
                (from, message) -> execute(core.step(from, message)));
        List<Long> syncIds;
        while (!(syncIds = clients.takeSyncRequests()).isEmpty()) {
            for (long id : syncIds) {
                execute(core.requestSync(id));
            }
        }
        pump();
    }

    @Override
    long nowNanos() {
        return clock.nowNanos();
    }

    @Override
    void onConnect(Connection conn, ConnectRequest request) {
        clients.connect(conn, request);
    }

    @Override
    void onRequest(Connection conn, Request req) {
        clients.request(conn, req);
    }

    @Override
    void onFourLetterWord(ClientChannel channel, String word) {
        clients.admin().answer(channel, word);
    }

    @Override
    void onDisconnected(Connection conn) {
        clients.disconnected(conn);
    }

    /** The AdminServer's and the metrics' view of this server, gathered on the request thread. */
    @Override
    public CompletableFuture<ServerStatus> status(Scope scope) {
        CompletableFuture<ServerStatus> result = new CompletableFuture<>();
        submit(() -> clients.admin().inspect(result, scope));
        return result;
    }

    /**
     * The AdminServer's snapshot command: a snapshot of the committed state as of now or later, taken
     * exactly as the periodic ones (same view of the tree, same durability point, same store), so it
     * never holds a second view of the tree. Completes with its zxid once the store lists it.
     */
    public CompletableFuture<Long> takeSnapshot() {
        CompletableFuture<Long> result = new CompletableFuture<>();
        submit(() -> snapshots.request(result));
        return result;
    }

    /** The ACL of {@code path} (null when there is no such node), read on the request thread. */
    public CompletableFuture<List<io.coord.wire.Acl>> aclOf(String path) {
        CompletableFuture<List<io.coord.wire.Acl>> result = new CompletableFuture<>();
        submit(() -> result.complete(clients.state().tree.exists(path) ? clients.state().tree.acl(path) : null));
        return result;
    }

    /**
     * This member's view of the quorum for the AdminServer and mntr (request thread); null for a
     * standalone server (the only voter), which reports none, as ZooKeeper's standalone server.
     */
    QuorumStatus quorumStatus() {
        return config.standalone() ? null : figures.quorumStatus(core, config);
    }

    @Override
    public void onZab(long from, ZabMessage message) {
        submit(() -> {
            figures.received(from, message, core.role());
            if (!snapshots.hold(from, message)) {
                execute(core.step(from, message));
            }
        });
    }

    @Override
    public void bytesReceived(int bytes) {
        clients.stats().bytesReceived.add(bytes);
    }

    @Override
    public void connectionEvent(ConnectionEvent event) {
        clients.stats().connectionEvent(event);
    }

    @Override
    public void onForward(long from, ForwardedRequest request) {
        submit(() -> acceptForward(request));
    }

    @Override
    public void onTouch(long from, long[] sessionIds) {
        submit(() -> {
            if (leader != null) {
                for (long id : sessionIds) {
                    clients.state().tracker.touch(id);
                }
            }
        });
    }

    @Override
    public void onPeerDown(long peer) {
        submit(() -> {
            if (serving && servedRole == Role.FOLLOWING && core.leaderId() == peer) {
                // Forwarded requests may have been lost with the connection: let clients retry.
                clients.dropAll("lost the connection to the leader");
            }
            figures.peerDown(peer);
            execute(core.peerDisconnected(peer));
        });
    }

    @Override
    public Backlog backlog() {
        return thread.backlog();
    }

    /** Tasks waiting for the request thread (tests). */
    int queuedTasks() {
        return thread.queued();
    }

    /**
     * The storage thread reports durability. Never blocks: the request thread may be waiting for
     * room in the storage thread's queue, so a blocking hand-off back would close a cycle.
     */
    public void persisted(long seq) {
        persistedReports.report(seq);
    }

    private void onPersisted(long seq) {
        persistedSeq = Math.max(persistedSeq, seq);
        figures.logged(storage.durableZxid(), core.role());
        execute(core.onPersisted(seq));
        afterTask();
    }

    /**
     * The storage thread: the log ran out of space, appends after {@code durableZxid} are gone and
     * the rest is durable. Never blocks (a task for the request thread).
     */
    public void diskFull(long durableZxid, java.io.IOException cause) {
        submit(() -> onDiskFull(durableZxid, cause));
    }

    /** The storage thread: after a full disk, the log has room again. */
    public void spaceAvailable() {
        submit(() -> {
            diskFull.leave(leader);
            LOG.info("the log's disk has room again: writes are accepted");
        });
    }

    /**
     * A full disk with this member the only voter: see {@link DiskFullMode}. Otherwise the member
     * stops as for any log failure (a supervisor restarts it once there is room; the other members
     * carry on meanwhile).
     */
    private void onDiskFull(long durableZxid, java.io.IOException cause) {
        if (leader == null || !core.mayLoseAppends()) {
            fatal.fatal("the member's log is out of space (" + cause.getMessage() + ")", cause);
            return;
        }
        // The lost proposals were never applied: no watch fired for them and none is in the replay
        // history (ChangeHistory, recorded in applyCommitted), which needs no reset here.
        long lastProposed = core.lastZxid();
        execute(core.appendsLost(durableZxid));
        int lost = diskFull.enter(leader, durableZxid);
        persistedSeq = issuedSeq; // every op issued so far is durable or discarded by the resume mark
        storage.resumeAfterDiskFull();
        LOG.warn("disk full: {} proposals after zxid {} (up to {}) were not logged and are answered {}; writes are "
                + "refused until the log's disk has room again", lost, Zxid.format(durableZxid),
                Zxid.format(lastProposed), WriteReplies.DISK_FULL);
    }

    // ------------------------------------------------------------------ request thread

    /** Carries out one input's effects in the order the core's contract demands. */
    void execute(Actions a) {
        for (Membership m : a.configChanges()) {
            // First: a snapshot installed below writes the membership into its tree.
            clients.configChanged(m);
            configChanges.accept(m);
        }
        if (!a.storage().isEmpty()) {
            for (StorageOp op : a.storage()) {
                if (op instanceof StorageOp.InstallSnapshot s) {
                    clients.install(MemberState.decodeBlob(s.state()));
                }
                issuedSeq = Math.max(issuedSeq, op.seq());
            }
            clients.stats().storageOpsQueued += a.storage().size();
            storage.submit(a.storage());
        }
        for (LogEntry e : a.applies()) {
            io.coord.server.txn.TxnEntry mine = leader == null ? null : leader.takeProposed(e.zxid());
            io.coord.server.txn.TxnEntry entry = mine != null ? mine : io.coord.server.txn.TxnCodec.decode(e.data());
            clients.applyCommitted(e, entry);
            figures.applied(e.zxid(), entry.header().timeMs(), serving ? servedRole : Role.LOOKING, servedEpoch);
            if (leader != null) {
                leader.applied(e.zxid());
            }
        }
        snapshots.applied(a.applies().size());
        for (Actions.Send s : a.sends()) {
            figures.sent(s.to(), s.message());
            link.send(s.to(), s.message());
        }
        for (long id : a.syncsCompleted()) {
            clients.syncDone(id, true);
        }
        for (long id : a.syncsFailed()) {
            clients.syncDone(id, false);
        }
        checkRole();
    }

    private void checkRole() {
        boolean nowServing = core.isServing();
        Role role = core.role();
        long epoch = core.epoch();
        if (nowServing == serving && role == servedRole && epoch == servedEpoch) {
            return;
        }
        clients.roleChanged(role, nowServing, core.observing());
        if (readOnly.roleChanged(role, nowServing, clock.nowMs())) {
            clients.leaveReadOnly("this member left read-only mode (" + role + ")");
            LOG.info("member {} left read-only mode", myId);
        }
        if (serving) {
            clients.dropAll("this member stopped serving (" + role + ")");
            leader = null;
        }
        serving = nowServing;
        if (serving) {
            servingLatch.countDown();
        }
        servedRole = role;
        servedEpoch = epoch;
        figures.roleChanged(serving && role == Role.LEADING);
        LOG.info("member {} is now {} (epoch {}, leader {}, zxid {})", myId, mode(), epoch, core.leaderId(),
                Zxid.format(core.appliedZxid()));
        if (serving && role == Role.LEADING) {
            leader = new EnsembleLeader(config.extendedTypesEnabled(), AuthPolicy.of(config),
                    clients::mayWrite, id -> clients.state().tracker.isValid(id));
            for (long closing : clients.restartSessionClocks()) {
                enqueueServerRequest(OpCode.CLOSE_SESSION, closing, null);
            }
            if (config.reconfig().enabled() && !config.standalone() && core.committedConfig().version() == 0) {
                acceptForward(LeaderReconfig.establish()); // ZOOKEEPER-1783: see LeaderReconfig
            }
        }
    }

    /** True once this member first served clients; false when {@code timeoutMs} passed before. */
    public boolean awaitServing(long timeoutMs) throws InterruptedException {
        return servingLatch.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * "leader", "follower", "observer", "standalone" (the only voter), or "looking" while not serving
     * (srvr's Mode line).
     */
    String mode() {
        if (readOnly.active()) {
            return io.coord.server.admin.ServerStatus.READ_ONLY_MODE;
        }
        if (!serving) {
            return io.coord.server.admin.ServerStatus.LOOKING_MODE;
        }
        if (config.standalone()) {
            return "standalone";
        }
        if (servedRole == Role.LEADING) {
            return "leader";
        }
        return core.observing() ? "observer" : "follower";
    }

    /** The core's counters; read from any thread, so only approximately current. */
    public io.coord.server.zab.ZabStats zabStats() {
        return core.stats();
    }

    boolean serving() {
        return serving;
    }

    long appliedZxid() {
        return core.appliedZxid();
    }

    /** Sends a request to the leader (ourselves included); false when there is no leader to take it. */
    boolean forward(ForwardedRequest f) {
        if (!serving) {
            return false;
        }
        if (servedRole == Role.LEADING) {
            return acceptForward(f);
        }
        link.forward(core.leaderId(), f);
        return true;
    }

    private boolean acceptForward(ForwardedRequest f) {
        if (leader == null) {
            return false; // not leading (any more): the origin's clients are dropped when it notices
        }
        if (f.type() == ServerRequests.REATTACH) {
            figures.reattached(f.origin() != myId);
            // At once, not queued: a write of the session from the member it left may already
            // wait in the queue, and it must find the new owner when it is prepared.
            leader.setOwner(f.sessionId(), f.origin());
            return true;
        }
        if (!leader.enqueue(f)) {
            LOG.warn("leader queue full; dropping a {} from member {}", OpCode.name(f.type()), f.origin());
            return false;
        }
        return true;
    }

    private void enqueueServerRequest(int type, long sessionId, JuteRecord body) {
        acceptForward(ForwardedRequest.local(0, sessionId, 0, type, body, List.of(), null));
    }

    /** Proposes everything queued at the leader; runs after every task, never re-entrantly. */
    private void pump() {
        if (pumping || snapshots.waiting() || leader == null || !leader.hasWork() || !core.isServing()) {
            return;
        }
        pumping = true;
        try {
            if (diskFull.isFull()) {
                diskFull.refuseQueued(leader);
                return;
            }
            if (!leader.hasPending()) {
                if (core.appliedZxid() != core.lastZxid()) {
                    return; // the new epoch's initial history is still being committed
                }
                leader.startPending(clients.state().tree);
            }
            while (leader != null && leader.hasWork()) {
                ForwardedRequest f = leader.poll();
                if (f.type() == OpCode.CLOSE_SESSION) {
                    // Later writes of the session are refused (SESSIONEXPIRED) from here on, as
                    // ZooKeeper's leader does: proposed after the close, an ephemeral would outlive
                    // its owner for good. (Expiry marks the session closing itself.)
                    clients.state().tracker.setClosing(f.sessionId());
                }
                EnsembleLeader proposer = leader;
                long timeMs = clock.wallMs();
                if (f.type() == OpCode.RECONFIG) {
                    if (LeaderReconfig.propose(core, proposer, config, f, timeMs, this::execute, figures) < 0) {
                        refused(f, null);
                    }
                    continue;
                }
                Actions a = core.propose(zxid -> { // called only for an accepted proposal
                    long prepStartNanos = clock.nowNanos();
                    io.coord.server.txn.TxnEntry p = proposer.prepare(f, zxid, timeMs);
                    figures.prepared(f.type(), prepStartNanos);
                    byte[] txn = io.coord.server.txn.TxnCodec.encode(p.header(), p.txn());
                    figures.proposed(zxid, txn.length);
                    return txn;
                });
                if (a.proposedZxid() < 0) {
                    refused(f, a.rejection());
                }
                execute(a);
                figures.proposalProcessed();
            }
        } finally {
            pumping = false;
        }
    }

    /** The core refused to propose {@code f}: this member no longer leads (the role change follows). */
    private void refused(ForwardedRequest f, Actions.Rejection why) {
        LOG.warn("proposal of a {} refused ({})", OpCode.name(f.type()), why);
        leader = null;
    }

    /**
     * The core is ticked every {@code coreTickMs} (finer than tickTime, its limits scaled to match) so
     * that resends during election and discovery cost tens of milliseconds, not a tickTime; session
     * work and wake-ups follow {@link EnsembleSessionTicks}; container/TTL scans run every tickTime.
     */
    @Override
    public long onTick(long nowMs) {
        if (!coreStarted) {
            return coreTickMs; // the start task is still queued
        }
        return sessionTicks.onTick(nowMs, () -> {
            execute(core.tick());
            checkReadOnly(nowMs);
            if (nowMs >= nextTickMs) {
                nextTickMs = nowMs + config.tickTimeMs();
                periodic(nowMs);
            }
            afterTask();
        });
    }

    private EnsembleSessionTicks.Member sessionMember() {
        return new EnsembleSessionTicks.Member() {
            @Override
            public Role servingRole() {
                return serving ? servedRole : Role.LOOKING;
            }

            @Override
            public io.coord.server.session.SessionTracker tracker() {
                return clients.state().tracker;
            }

            @Override
            public long[] drainTouched() {
                return clients.drainTouched();
            }

            @Override
            public void reportTouches(long[] sessionIds) {
                link.touch(core.leaderId(), sessionIds);
            }

            @Override
            public void expire(List<Long> sessionIds) {
                for (long id : sessionIds) {
                    LOG.info("session 0x{} expired", Long.toHexString(id));
                    enqueueServerRequest(OpCode.CLOSE_SESSION, id, null);
                }
                afterTask();
            }
        };
    }

    /** readonlymode.enabled: enters read-only mode once it is due; expires member-local sessions meanwhile. */
    private void checkReadOnly(long nowMs) {
        clients.localSessionsTick(); // read-only and local sessions expire on this member
        if (!readOnly.active() && readOnly.due(core.role(), serving, nowMs)) {
            clients.enterReadOnly();
            LOG.info("member {} has no quorum: read-only mode (clients that can be read-only are served reads"
                    + " of zxid {})", myId, Zxid.format(core.appliedZxid()));
        }
    }

    private void periodic(long nowMs) {
        if (!serving || servedRole != Role.LEADING) {
            return;
        }
        if (nowMs >= nextExpiryScanMs) {
            nextExpiryScanMs = nowMs + config.containerCheckIntervalMs();
            for (String path : ExpiryScan.candidates(clients.state().tree, clock.wallMs())) {
                enqueueServerRequest(OpCode.DELETE_CONTAINER, 0, new ServerRequests.ExpiredNode(path));
            }
        }
    }

    @Override
    public void afterBatch() {
        clients.flush();
    }

    @Override
    public void close() {
        thread.close();
        closeConnections();
    }
}
