package io.coord.server.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.coord.server.check.RegisterHistory.Kind;
import io.coord.server.check.RegisterHistory.Outcome;
import io.coord.server.check.RegisterHistory.State;
import org.junit.jupiter.api.Test;

/** The linearizability checker against small histories whose verdict is known by hand. */
class RegisterHistoryTest {
    private static final State EMPTY = new State(0, 0);

    private static String check(RegisterHistory h) {
        return RegisterHistory.check(h.ops(), EMPTY);
    }

    @Test
    void sequentialHistoryOfEveryKindIsLinearizable() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 1, Outcome.OK, 1, 0, 1);
        h.add(0, Kind.READ, -1, 1, Outcome.OK, 1, 2, 3);
        h.add(1, Kind.CAS, 1, 2, Outcome.OK, 2, 4, 5);
        h.add(1, Kind.CAS, 1, 3, Outcome.FAILED, 0, 6, 7);
        h.add(0, Kind.READ, -1, 2, Outcome.OK, 2, 8, 9);
        assertNull(check(h));
    }

    @Test
    void aReadMissingAnAcknowledgedWriteIsCaught() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 1, Outcome.OK, 1, 0, 1);
        h.add(1, Kind.READ, -1, 0, Outcome.OK, 0, 2, 3);
        assertNotNull(check(h));
    }

    @Test
    void readsThatGoBackInTimeDuringAWriteAreCaught() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 1, Outcome.OK, 1, 0, 10);
        h.add(1, Kind.READ, -1, 1, Outcome.OK, 1, 5, 6);
        h.add(2, Kind.READ, -1, 0, Outcome.OK, 0, 7, 8);
        assertNotNull(check(h));
    }

    @Test
    void overlappingOperationsMayTakeEffectInEitherOrder() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 1, Outcome.OK, 2, 0, 10);
        h.add(1, Kind.WRITE, -1, 2, Outcome.OK, 1, 1, 9);
        h.add(2, Kind.READ, -1, 1, Outcome.OK, 2, 11, 12);
        assertNull(check(h));
    }

    @Test
    void anUnknownWriteMayTakeEffectLateOrNever() {
        RegisterHistory late = new RegisterHistory();
        late.add(0, Kind.WRITE, -1, 5, Outcome.UNKNOWN, 0, 0, 0);
        late.add(1, Kind.READ, -1, 0, Outcome.OK, 0, 50, 51);
        late.add(1, Kind.READ, -1, 5, Outcome.OK, 1, 100, 101);
        assertNull(check(late));
        RegisterHistory never = new RegisterHistory();
        never.add(0, Kind.WRITE, -1, 5, Outcome.UNKNOWN, 0, 0, 0);
        never.add(1, Kind.CAS, 0, 7, Outcome.OK, 1, 10, 11);
        never.add(1, Kind.READ, -1, 7, Outcome.OK, 1, 20, 21);
        assertNull(check(never));
    }

    @Test
    void aCasThatSucceededAgainstAStaleVersionIsCaught() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 1, Outcome.OK, 1, 0, 1);
        h.add(1, Kind.CAS, 0, 9, Outcome.OK, 1, 2, 3);
        assertNotNull(check(h));
    }

    @Test
    void anUnknownWriteWhoseValueWasReadIsPinnedToThatVersion() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 5, Outcome.UNKNOWN, 0, 0, 0);
        h.add(1, Kind.READ, -1, 5, Outcome.OK, 1, 10, 11);
        h.add(1, Kind.WRITE, -1, 6, Outcome.OK, 2, 12, 13);
        assertNull(check(h));
        // the same unknown write, read at version 1, while an acknowledged write also claims version 1
        RegisterHistory clash = new RegisterHistory();
        clash.add(0, Kind.WRITE, -1, 5, Outcome.UNKNOWN, 0, 0, 0);
        clash.add(1, Kind.WRITE, -1, 6, Outcome.OK, 1, 1, 2);
        clash.add(1, Kind.READ, -1, 5, Outcome.OK, 1, 10, 11);
        assertNotNull(check(clash));
    }

    @Test
    void anUnknownWriteThatLeftNoVersionUnaccountedIsDropped() {
        RegisterHistory h = new RegisterHistory();
        h.add(0, Kind.WRITE, -1, 5, Outcome.UNKNOWN, 0, 0, 0);
        h.add(1, Kind.WRITE, -1, 6, Outcome.OK, 1, 1, 2);
        h.add(1, Kind.READ, -1, 6, Outcome.OK, 1, 10, 11);
        assertEquals(2, RegisterHistory.resolveUnknownWrites(h.ops()).size());
        assertNull(check(h));
    }
}
