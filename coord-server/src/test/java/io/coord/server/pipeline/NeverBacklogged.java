package io.coord.server.pipeline;

/** A request thread that never has a backlog, for tests that run member links without one. */
public final class NeverBacklogged implements Backlog {
    public static final Backlog INSTANCE = new NeverBacklogged();

    private NeverBacklogged() {
    }

    @Override
    public boolean overHighWater() {
        return false;
    }

    @Override
    public void whenBelowLowWater(Runnable resume) {
        resume.run();
    }
}
