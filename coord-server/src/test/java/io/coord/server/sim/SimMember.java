package io.coord.server.sim;

import io.coord.server.config.ServerConfig;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.EnsembleProcessor;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.MemberState;
import io.coord.server.pipeline.QuorumLink;
import io.coord.server.pipeline.RequestLoop;
import io.coord.server.pipeline.StorageInfo;
import io.coord.server.quorum.QuorumCodec;
import io.coord.server.session.Clock;
import io.coord.server.tree.DataTree;
import io.coord.server.zab.RecoveredState;
import io.coord.server.zab.StateProvider;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated ensemble member: the real {@link EnsembleProcessor} (sessions, tree, watches, the
 * ZAB core) over a {@link SimDisk}, its tasks run by the simulation's event loop instead of a request
 * thread, its member links and client connections simulated. A crash throws the whole incarnation
 * away; a restart recovers from the disk as a real start does.
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
    final SimDisk disk = new SimDisk();
    private final Env env;
    private final ServerConfig config;
    private final ZabConfig zabConfig;
    private final byte[] secret = new byte[32];
    int incarnation;
    boolean alive;
    /** Stopped for good: its disk holds a corrupt record. */
    boolean corrupt;
    long pausedUntilMs;
    EnsembleProcessor processor;
    ZabCore core;
    StateProvider state;
    SimStorage storage;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private RequestLoop.Handler handler;
    private boolean runScheduled;

    SimMember(int index, ServerConfig config, ZabConfig zabConfig, Env env) {
        this.index = index;
        this.id = config.myId();
        this.config = config;
        this.zabConfig = zabConfig;
        this.env = env;
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

    /** Starts an incarnation from the disk; false (and stopped for good) when the disk is corrupt. */
    boolean boot() {
        SimDisk.Contents c;
        disk.failNextForce = false;
        disk.fullOnNextWrite = false;
        disk.faultFired = false;
        try {
            c = disk.read();
        } catch (SimDisk.CorruptDisk e) {
            corrupt = true;
            alive = false;
            return false;
        }
        incarnation++;
        alive = true;
        pausedUntilMs = 0;
        tasks.clear();
        runScheduled = false;
        Clock clock = clock();
        MemberState restored = c.snapshotNodes() == null
                ? MemberState.empty(clock, config.tickTimeMs(), id, secret)
                : MemberState.restore(DataTree.fromSnapshot(c.snapshotNodes().iterator()), c.snapshotSessions(), clock,
                        config.tickTimeMs(), id, secret);
        RecoveredState recovered = new RecoveredState(c.acceptedEpoch(), c.currentEpoch(), c.snapshotZxid(), c.log());
        int inc = incarnation;
        storage = new SimStorage(disk, new SimStorage.Host() {
            @Override
            public void later(long delayMs, Runnable work) {
                env.later(index, inc, delayMs, work);
            }

            @Override
            public long persistDelayMs() {
                return env.persistDelayMs();
            }

            @Override
            public void fatal(String what, Throwable cause) {
                env.fatal(SimMember.this, what, cause);
            }

            @Override
            public void count(String what) {
                env.count(what);
            }
        });
        SplittableRandom rnd = env.rnd().split();
        long coreSeed = rnd.nextLong();
        FatalHandler fatal = (what, cause) -> env.fatal(this, what, cause);
        processor = new EnsembleProcessor(config, clock, restored, c.snapshotZxid(), sp -> {
            state = sp;
            core = new ZabCore(zabConfig, recovered, sp, new SplittableRandom(coreSeed));
            return core;
        }, config.tickTimeMs(), storage, link(), NO_DISK_FIGURES, secret, rnd, fatal, (h, f) -> loop(h, inc));
        EnsembleProcessor p = processor;
        storage.onPersisted(p::persisted);
        processor.start();
        return true;
    }

    void crash(boolean powerLost) {
        if (alive) {
            disk.crash(env.rnd(), powerLost);
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
                return NEVER_BACKLOGGED;
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

    private static final Backlog NEVER_BACKLOGGED = new Backlog() {
        @Override
        public boolean overHighWater() {
            return false;
        }

        @Override
        public void whenBelowLowWater(Runnable resume) {
            resume.run();
        }
    };

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
