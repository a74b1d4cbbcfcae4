package io.coord.bench.phase;

import io.coord.bench.PhaseOutcome;

/** The basic request phases: each drives {@code opsPerPhase} async ops through the workload's driver. */
final class CrudPhases {
    private CrudPhases() {
    }

    static final class Create implements BenchPhase {
        @Override
        public String name() {
            return "create";
        }

        @Override
        public String description() {
            return "create persistent znodes (value-bytes each) under the round's fresh root";
        }

        @Override
        public PhaseOutcome run(Workload w) throws InterruptedException {
            long base = w.liveNodes();
            long ops = w.shape().opsPerPhase();
            PhaseOutcome outcome = w.driver().drive(name(), ops, CrudOps.create(w, base));
            w.setLiveNodes(base + ops);
            return outcome;
        }
    }

    static final class SetData implements BenchPhase {
        @Override
        public String name() {
            return "set";
        }

        @Override
        public String description() {
            return "setData (any version) cycling over the existing znodes";
        }

        @Override
        public PhaseOutcome run(Workload w) throws InterruptedException {
            long live = ensureSomeNodes(w);
            return w.driver().drive(name(), w.shape().opsPerPhase(), CrudOps.setData(w, live));
        }
    }

    static final class GetData implements BenchPhase {
        @Override
        public String name() {
            return "get";
        }

        @Override
        public String description() {
            return "getData (no watch) cycling over the existing znodes";
        }

        @Override
        public PhaseOutcome run(Workload w) throws InterruptedException {
            long live = ensureSomeNodes(w);
            return w.driver().drive(name(), w.shape().opsPerPhase(), CrudOps.getData(w, live));
        }
    }

    static final class Delete implements BenchPhase {
        @Override
        public String name() {
            return "delete";
        }

        @Override
        public String description() {
            return "delete znodes, newest first (populates first if fewer than ops exist)";
        }

        @Override
        public PhaseOutcome run(Workload w) throws InterruptedException {
            long ops = w.shape().opsPerPhase();
            w.ensureLiveNodes(ops);
            long base = w.liveNodes() - ops;
            PhaseOutcome outcome = w.driver().drive(name(), ops, CrudOps.delete(w, base));
            w.setLiveNodes(base);
            return outcome;
        }
    }

    static final class Mixed implements BenchPhase {
        @Override
        public String name() {
            return "mixed";
        }

        @Override
        public String description() {
            return "90% getData / 10% setData over the existing znodes";
        }

        @Override
        public PhaseOutcome run(Workload w) throws InterruptedException {
            long live = ensureSomeNodes(w);
            return w.driver().drive(name(), w.shape().opsPerPhase(), CrudOps.mixed(w, live));
        }
    }

    /** Read/update phases need a key space; if none exists (e.g. --phases get), create opsPerPhase znodes. */
    private static long ensureSomeNodes(Workload w) throws InterruptedException {
        if (w.liveNodes() == 0) {
            w.ensureLiveNodes(w.shape().opsPerPhase());
        }
        return w.liveNodes();
    }
}
