package io.coord.server.quorum;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.pipeline.FatalHandler;
import io.coord.server.storage.DiskFullException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A full log disk stops the member until space is back, then starts it again from disk; any other
 * fatal error goes to the halt handler. The member here is a stand-in that counts starts and
 * closes (EnsembleDiskFullTest shows a real member that is closed and started again rejoins).
 */
class MemberSupervisorTest {
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger closes = new AtomicInteger();
    private final List<FatalHandler> handlers = new CopyOnWriteArrayList<>();
    private final List<String> halted = new CopyOnWriteArrayList<>();
    private final AtomicBoolean space = new AtomicBoolean(true);

    private MemberSupervisor supervisor() throws Exception {
        MemberSupervisor s = new MemberSupervisor(fatal -> {
            handlers.add(fatal);
            starts.incrementAndGet();
            return closes::incrementAndGet;
        }, (what, cause) -> halted.add(what), space::get, 10);
        s.startFirst();
        return s;
    }

    /** ZooKeeper's unrecoverable_error_count as the supervisor's process figures give it. */
    private static long unrecoverable(MemberSupervisor s) {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        s.figures().putCounters(m);
        return m.get("unrecoverable_error_count");
    }

    private static DiskFullException diskFull() {
        return new DiskFullException(Path.of("log.1"), new IOException("No space left on device"));
    }

    @Test
    void aFullDiskStopsTheMemberUntilSpaceIsBackThenStartsItAgain() throws Exception {
        try (MemberSupervisor s = supervisor()) {
            space.set(false);
            handlers.get(0).fatal("the member's log is out of space", diskFull());
            // The log and the request thread may both report the same full disk: one stop.
            handlers.get(0).fatal("the member's log is out of space", diskFull());
            await().atMost(Duration.ofSeconds(5)).until(() -> closes.get() == 1);
            // It waits for space: still one start, stopped.
            assertEquals(1, starts.get());
            space.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.restarts() == 1);
            assertEquals(2, starts.get());
            assertEquals(1, closes.get());
            assertTrue(halted.isEmpty(), halted.toString());
            // One fail-stop the process survived (reported twice), counted where the restart does not reset it.
            assertEquals(1, unrecoverable(s));
        }
        assertEquals(2, closes.get(), "close() stops the running incarnation");
    }

    @Test
    void aFullDataDirectoryOnAnotherWriteStopsTheMemberAsAFullLogDoes() throws Exception {
        // The epochs file or a snapshot the leader sent fails with the plain I/O error: seen in a
        // fault run (seed 73023), where it stopped the process (exit 70) instead.
        try (MemberSupervisor s = supervisor()) {
            space.set(false);
            handlers.get(0).fatal("the member's disk is out of space",
                    new IOException("No space left on device"));
            await().atMost(Duration.ofSeconds(5)).until(() -> closes.get() == 1);
            space.set(true);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.restarts() == 1);
            assertTrue(halted.isEmpty(), halted.toString());
        }
    }

    @Test
    void outOfSpaceIsToldFromTheErrorOrWhatCausedIt() {
        assertTrue(DiskFullException.isDiskFull(diskFull()));
        assertTrue(DiskFullException.isDiskFull(new IOException("No space left on device")));
        assertTrue(DiskFullException.isDiskFull(
                new java.io.UncheckedIOException(new IOException("Disk quota exceeded"))));
        assertFalse(DiskFullException.isDiskFull(new IOException("Input/output error")));
        assertFalse(DiskFullException.isDiskFull(new IllegalStateException("broken invariant")));
    }

    @Test
    void anyOtherFatalErrorHalts() throws Exception {
        try (MemberSupervisor s = supervisor()) {
            handlers.get(0).fatal("the member's log failed", new IOException("Input/output error"));
            assertEquals(List.of("the member's log failed"), halted);
            assertEquals(0, closes.get(), "the halt handler, not the supervisor, ends the process");
            assertEquals(0, s.restarts());
            // The process stops: nothing could report a count afterwards, so none is kept for it.
            assertEquals(0, unrecoverable(s));
        }
    }

    @Test
    void closeWhileWaitingForSpaceEndsTheWait() throws Exception {
        MemberSupervisor s = supervisor();
        space.set(false);
        handlers.get(0).fatal("the member's log is out of space", diskFull());
        await().atMost(Duration.ofSeconds(5)).until(() -> closes.get() == 1);
        s.close(); // joins the thread waiting for space: nothing can start the member after this
        space.set(true);
        assertEquals(1, starts.get());
        assertEquals(0, s.restarts());
    }
}
