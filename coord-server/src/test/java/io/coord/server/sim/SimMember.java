package io.coord.server.sim;

import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.NeverBacklogged;
import io.coord.server.pipeline.EnsembleProcessor;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.QuorumLink;
import io.coord.server.pipeline.RequestLoop;
import io.coord.server.pipeline.StorageInfo;
import io.coord.server.pipeline.ZabStorage;
import io.coord.server.quorum.MemberRecovery;
import io.coord.server.quorum.QuorumStorage;
import io.coord.server.storage.CorruptFileException;
import io.coord.server.storage.LogIo;
import io.coord.server.tree.TreeSnapshot;
import io.coord.server.zab.StorageOp;
import java.io.IOException;
import java.util.function.Consumer;
import io.coord.server.quorum.QuorumCodec;
import io.coord.server.session.Clock;
import io.coord.server.zab.StateProvider;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import java.util.ArrayDeque;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.SplittableRandom;

/**
 * One simulated ensemble member: the real {@link EnsembleProcessor} (sessions, tree, watches, the
 * ZAB core) over the real storage stack (QuorumStorage, TxnLog, SnapshotStore, MetaStore, started by
 * MemberRecovery.open) on a {@link SimDisk}, its tasks and its log and snapshot threads' turns run by
 * the simulation's event loop, its member links and client connections simulated. A crash throws the
 * whole incarnation away; a restart recovers from the disk through the real start-up code.
 */
final class SimMember {
    /** What a member needs from the simulation. */
    interface Env {
        long now();

        /** Runs {@code work} after {@code delayMs} unless the incarnation {@code inc} of member {@code index} died. */
        void later(int index, int inc, long delayMs, Runnable work);

        long persistDelayMs();

        SplittableRandom rnd();

        /** Member link: {@code frame} (QuorumCodec bytes) from member {@code from} to member id {@code to}. */
        void send(int from, long to, byte[] frame);

        /** The member called its fatal handler (a stop the simulation may or may not have caused). */
        void fatal(SimMember m, String what, Throwable cause);

        /** Counts an event of note (reported per run; scenarios assert on them). */
        void count(String what);

        /** After every batch of tasks or tick of this member: the checker looks. */
        void afterEvent(SimMember m);
    }

    final int index;
    final long id;
    /** Where the member keeps its snapshots and meta files, and its log (dataDir, dataLogDir). */
    static final String DATA_DIR = "/data";
    static final String DATA_LOG_DIR = "/datalog";
    /** Small log segments, so that rolling, purging and segments of several files are exercised. */
    static final long LOG_SEGMENT_BYTES = 4096;
    final SimDisk disk;
    private final Env env;
    private final ServerConfig config;
    private final ZabConfig zabConfig;
    private final byte[] secret = new byte[32];
    int incarnation;
    boolean alive;
    /** Stopped for good: its disk holds a corrupt record. */
    boolean corrupt;
    /** Why the start-up code refused the disk. */
    CorruptFileException refusal;
    /** The zxid of the snapshot the last start recovered from (0: none). */
    long bootSnapshotZxid;
    long pausedUntilMs;
    EnsembleProcessor processor;
    ZabCore core;
    StateProvider state;
    SteppedStorage storage;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private RequestLoop.Handler handler;
    private boolean runScheduled;

    SimMember(int index, ServerConfig config, ZabConfig zabConfig, Env env) {
        this.index = index;
        this.id = config.myId();
        this.config = config;
        this.zabConfig = zabConfig;
        this.env = env;
        this.disk = new SimDisk(env.rnd().split());
    }

    Clock clock() {
        return new Clock() {
            @Override
            public long nowMs() {
                return env.now();
            }

            @Override
            public long wallMs() {
                return 1_700_000_000_000L + env.now();
            }
        };
    }

    /**
     * Member {@code index}'s configuration. Standalone has no server lines (myid 0), as a zoo.cfg
     * without server.N lines gives: the same path through the pipeline as production's standalone.
     */
    static ServerConfig config(int size, int index, int tickTimeMs, int snapCount) {
        ServerConfig.Builder b = ServerConfig.builder(Path.of("sim-member-" + (index + 1))).tickTimeMs(tickTimeMs)
                .initLimit(10).syncLimit(5).snapCount(snapCount).containerCheckIntervalMs(1000);
        if (size > 1) {
            Map<Long, ServerAddress> servers = new HashMap<>();
            for (long id = 1; id <= size; id++) {
                servers.put(id, new ServerAddress(id, "127.0.0.1", 1, 2, false));
            }
            b.myId(index + 1).servers(servers);
        }
        return b.build();
    }

    /** The ZAB core's configuration: the voters are the configured members, or (standalone) this one alone. */
    static ZabConfig zabConfig(int size, int index, int maxHistory) {
        Set<Long> voters = new TreeSet<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        return size == 1 ? new ZabConfig(0, Set.of(0L), 10, 5, 2, maxHistory)
                : new ZabConfig(index + 1, voters, 10, 5, 2, maxHistory);
    }

    /**
     * Starts an incarnation from the disk through the real start-up code (MemberRecovery.open: the
     * torn tail is cut, damage refused, an interrupted SNAP install finished). False, and stopped for
     * good, when that refuses a damaged file; any other failure to start throws.
     */
    boolean boot() throws IOException {
        disk.failNextForce = false;
        disk.forcesBeforeFailure = -1;
        disk.fullOnNextWrite = false;
        disk.faultFired = false;
        Clock clock = clock();
        SplittableRandom rnd = env.rnd().split();
        MemberRecovery.Opened opened;
        try {
            opened = MemberRecovery.open(disk.path(DATA_DIR), disk.path(DATA_LOG_DIR), LOG_SEGMENT_BYTES, LogIo.REAL,
                    clock, config.tickTimeMs(), id, rnd);
        } catch (CorruptFileException e) {
            corrupt = true;
            alive = false;
            refusal = e;
            return false;
        }
        incarnation++;
        alive = true;
        pausedUntilMs = 0;
        tasks.clear();
        runScheduled = false;
        MemberRecovery.Recovered recovered = opened.recovered();
        bootSnapshotZxid = recovered.snapshotZxid();
        if (recovered.snapshotZxid() > 0) {
            env.count("boots from a snapshot");
        }
        int inc = incarnation;
        FatalHandler fatal = (what, cause) -> env.fatal(this, what, cause);
        EnsembleProcessor[] owner = new EnsembleProcessor[1];
        QuorumStorage real = QuorumStorage.stepped(opened.log(), opened.snapshots(), opened.meta(),
                config.snapRetainCount(), seq -> owner[0].persisted(seq), fatal, () -> env.now() * 1_000_000,
                work -> env.later(index, inc, 1 + env.persistDelayMs() * 2, () -> {
                    work.run();
                    storage.scheduleStep(inc);
                }));
        storage = new SteppedStorage(real, inc);
        long coreSeed = rnd.nextLong();
        processor = new EnsembleProcessor(config, clock, recovered.state(), recovered.snapshotZxid(), sp -> {
            state = sp;
            core = new ZabCore(zabConfig, recovered.zab(), sp, new SplittableRandom(coreSeed));
            return core;
        }, config.tickTimeMs(), storage, link(), NO_DISK_FIGURES, opened.secret(), rnd, fatal, (h, f) -> loop(h, inc));
        owner[0] = processor;
        processor.start();
        return true;
    }

    /**
     * The real QuorumStorage without its threads: each submit schedules one turn of its log thread
     * ({@link QuorumStorage#step}) a persist delay later, so a batch is whatever was queued by then.
     */
    final class SteppedStorage implements ZabStorage {
        final QuorumStorage real;
        private final int inc;
        private boolean stepScheduled;

        SteppedStorage(QuorumStorage real, int inc) {
            this.real = real;
            this.inc = inc;
        }

        void scheduleStep(int incarnationOfCaller) {
            if (!stepScheduled && incarnationOfCaller == incarnation) {
                stepScheduled = true;
                env.later(index, inc, env.persistDelayMs(), () -> {
                    stepScheduled = false;
                    real.step();
                });
            }
        }

        @Override
        public void submit(List<StorageOp> ops) {
            for (StorageOp op : ops) {
                if (op instanceof StorageOp.InstallSnapshot) {
                    env.count("SNAP installs");
                }
            }
            real.submit(ops);
            scheduleStep(inc);
        }

        @Override
        public void resumeAfterDiskFull() {
            real.resumeAfterDiskFull();
        }

        @Override
        public long durableZxid() {
            return real.durableZxid();
        }

        @Override
        public boolean snapshotInProgress() {
            return real.snapshotInProgress();
        }

        @Override
        public void snapshot(TreeSnapshot view, byte[] sessions) {
            snapshot(view, sessions, failure -> { });
        }

        @Override
        public void snapshot(TreeSnapshot view, byte[] sessions, Consumer<Throwable> done) {
            real.snapshot(view, sessions, failure -> {
                if (failure == null) {
                    env.count("snapshots written");
                }
                done.accept(failure);
            });
        }

        @Override
        public long fsyncCount() {
            return real.fsyncCount();
        }

        @Override
        public long fsyncTotalMicros() {
            return real.fsyncTotalMicros();
        }

        @Override
        public long fsyncMaxMicros() {
            return real.fsyncMaxMicros();
        }
    }

    void crash(boolean powerLost) {
        if (alive) {
            disk.crash(powerLost);
        }
        alive = false;
        processor = null;
        core = null;
        state = null;
        tasks.clear();
    }

    /** A member-link frame arrives from member id {@code from}. */
    void deliver(long from, byte[] frame) {
        Object msg = QuorumCodec.decode(frame);
        if (msg instanceof ZabMessage z) {
            processor.onZab(from, z);
        } else if (msg instanceof ForwardedRequest f) {
            processor.onForward(from, f);
        } else if (msg instanceof QuorumCodec.Touch t) {
            processor.onTouch(from, t.sessionIds());
        }
    }

    private QuorumLink link() {
        return new QuorumLink() {
            @Override
            public void send(long to, ZabMessage message) {
                env.send(index, to, QuorumCodec.encode(message));
            }

            @Override
            public void forward(long to, ForwardedRequest request) {
                env.send(index, to, QuorumCodec.encode(request));
            }

            @Override
            public void touch(long to, long[] sessionIds) {
                env.send(index, to, QuorumCodec.encode(new QuorumCodec.Touch(sessionIds)));
            }
        };
    }

    /** The request loop: tasks and ticks as simulation events, in order, one at a time. */
    private RequestLoop loop(RequestLoop.Handler h, int inc) {
        this.handler = h;
        return new RequestLoop() {
            @Override
            public void start() {
                env.later(index, inc, 0, () -> tick(inc));
            }

            @Override
            public void submit(Runnable task) {
                if (inc != incarnation || !alive) {
                    return;
                }
                tasks.add(task);
                if (!runScheduled) {
                    runScheduled = true;
                    env.later(index, inc, Math.max(0, pausedUntilMs - env.now()), () -> runTasks(inc));
                }
            }

            @Override
            public int queued() {
                return tasks.size();
            }

            @Override
            public Backlog backlog() {
                return NeverBacklogged.INSTANCE;
            }

            @Override
            public void close() {
            }
        };
    }

    private void tick(int inc) {
        if (env.now() < pausedUntilMs) {
            env.later(index, inc, pausedUntilMs - env.now(), () -> tick(inc));
            return;
        }
        long next;
        try {
            next = handler.onTick(env.now());
        } catch (RuntimeException | AssertionError e) {
            env.fatal(this, "request thread: unexpected " + e, e);
            return;
        }
        if (alive && inc == incarnation) {
            env.afterEvent(this);
            env.later(index, inc, Math.max(1, next), () -> tick(inc));
        }
    }

    private void runTasks(int inc) {
        runScheduled = false;
        if (env.now() < pausedUntilMs) {
            runScheduled = true;
            env.later(index, inc, pausedUntilMs - env.now(), () -> runTasks(inc));
            return;
        }
        List<Runnable> batch = new ArrayList<>(tasks);
        tasks.clear();
        try {
            for (Runnable r : batch) {
                if (!alive || inc != incarnation) {
                    return;
                }
                r.run();
            }
            if (alive && inc == incarnation) {
                handler.afterBatch();
            }
        } catch (RuntimeException | AssertionError e) {
            env.fatal(this, "request thread: unexpected " + e, e);
            return;
        }
        if (alive && inc == incarnation) {
            env.afterEvent(this);
        }
    }

    boolean paused() {
        return env.now() < pausedUntilMs;
    }

    private static final StorageInfo NO_DISK_FIGURES = new StorageInfo() {
        @Override
        public long logBytes() {
            return 0;
        }

        @Override
        public long snapshotBytes() {
            return 0;
        }

        @Override
        public long fsyncCount() {
            return 0;
        }

        @Override
        public long avgFsyncMicros() {
            return 0;
        }

        @Override
        public long maxFsyncMicros() {
            return 0;
        }
    };
}
