package io.coord.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.coord.server.admin.QuorumStatus.FollowerLag;
import io.coord.server.zab.Zxid;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A follower's lag in zxids and ms, from its acked zxid and when the leader proposed what followed. */
class ProposalTimesTest {

    @Test
    void aFollowerBehindLagsByTheTxnsItHasNotAckedAndTheAgeOfTheOldestOne() {
        ProposalTimes times = new ProposalTimes();
        for (long c = 1; c <= 5; c++) {
            times.proposed(Zxid.make(2, c), 1_000 + 100 * c); // proposed at 1100, 1200, ... 1500
        }
        TreeMap<Long, Long> acked = new TreeMap<>();
        acked.put(1L, Zxid.make(2, 5)); // all acked
        acked.put(2L, Zxid.make(2, 2)); // (2,3) onwards outstanding, (2,3) proposed at 1300
        acked.put(3L, Zxid.make(1, 9)); // still in the previous epoch: every txn of this one outstanding
        assertEquals(List.of(new FollowerLag(1, 0, 0), new FollowerLag(2, 3, 700), new FollowerLag(3, 5, 900)),
                times.lags(acked, Zxid.make(2, 5), 2_000));
        // It catches up: back to 0.
        acked.put(2L, Zxid.make(2, 5));
        acked.put(3L, Zxid.make(2, 5));
        assertEquals(List.of(new FollowerLag(1, 0, 0), new FollowerLag(2, 0, 0), new FollowerLag(3, 0, 0)),
                times.lags(acked, Zxid.make(2, 5), 2_000));
    }

    @Test
    void beyondTheWindowTheOldestKeptProposalBoundsTheLagFromBelow() {
        ProposalTimes times = new ProposalTimes();
        int n = ProposalTimes.CAPACITY + 10;
        for (long c = 1; c <= n; c++) {
            times.proposed(Zxid.make(1, c), c);
        }
        TreeMap<Long, Long> acked = new TreeMap<>();
        acked.put(7L, Zxid.make(1, 1));
        // (1,2) was proposed at 2 but fell out of the window; the oldest kept is (1,11), proposed at 11.
        assertEquals(List.of(new FollowerLag(7, n - 1, 10_000 - 11)),
                times.lags(acked, Zxid.make(1, n), 10_000));
    }

    /** From any hint (a cursor, behind, ahead, stale or out of the window) the answer is the search's. */
    @Test
    void indexAfterFromAHintFindsWhatTheSearchFinds() {
        ProposalTimes times = new ProposalTimes();
        int n = ProposalTimes.CAPACITY + 100;
        for (long c = 1; c <= n; c += 2) {
            times.proposed(Zxid.make(3, c), c); // odd counters only, so even zxids fall between two
        }
        long[] hints = {0, 5, times.count() - 20, times.count() - 1, times.count(), times.count() + 7};
        for (long c = n - 200; c <= n + 2; c++) {
            long zxid = Zxid.make(3, c);
            long expected = times.indexAfter(zxid);
            for (long hint : hints) {
                assertEquals(expected, times.indexAfter(zxid, hint), "zxid counter " + c + " hint " + hint);
            }
            assertEquals(expected, times.indexAfter(zxid, expected), "its own answer as the cursor");
        }
        long cursor = 0;
        for (long c = n - 300; c <= n; c++) { // a cursor moving forward, as acks and commits do
            cursor = times.indexAfter(Zxid.make(3, c), cursor);
            assertEquals(times.indexAfter(Zxid.make(3, c)), cursor);
        }
    }
}
