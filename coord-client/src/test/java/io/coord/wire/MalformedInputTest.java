package io.coord.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad bytes must end in WireFormatException: never OutOfMemoryError, never another exception. */
class MalformedInputTest {
    private static final int[] ALL_OPS = {OpCode.CREATE, OpCode.DELETE, OpCode.EXISTS, OpCode.GET_DATA,
        OpCode.SET_DATA, OpCode.GET_ACL, OpCode.SET_ACL, OpCode.GET_CHILDREN, OpCode.SYNC, OpCode.PING,
        OpCode.GET_CHILDREN2, OpCode.CHECK, OpCode.MULTI, OpCode.CREATE2, OpCode.RECONFIG,
        OpCode.CHECK_WATCHES, OpCode.REMOVE_WATCHES, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL,
        OpCode.MULTI_READ, OpCode.AUTH, OpCode.SET_WATCHES, OpCode.SASL, OpCode.GET_EPHEMERALS,
        OpCode.GET_ALL_CHILDREN_NUMBER, OpCode.SET_WATCHES2, OpCode.ADD_WATCH, OpCode.WHO_AM_I,
        OpCode.CLOSE_SESSION};

    static List<WireSamples.Sample> samples() {
        return WireSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyTruncationIsAWireFormatException(WireSamples.Sample s) {
        byte[] full = s.record().toBytes();
        boolean optionalLastByte = s.record() instanceof ConnectRequest c && c.readOnly() != null
                || s.record() instanceof ConnectResponse r && r.readOnly() != null;
        for (int n = 0; n < full.length; n++) {
            if (optionalLastByte && n == full.length - 1) {
                continue;
            }
            byte[] cut = Arrays.copyOf(full, n);
            assertThrows(WireFormatException.class, () -> s.reader().apply(new JuteReader(cut)),
                    s.name() + " cut to " + n + " of " + full.length);
        }
    }

    @Test
    void negativeLengthsAreRefused() {
        // path length -2
        expectBad(in -> SyncRequest.read(in), "fffffffe 2f61");
        // data length -7 in a setData
        expectBad(SetDataRequest::read, "00000002 2f61 fffffff9 00000000");
        // vector count -3
        expectBad(GetChildrenResponse::read, "fffffffd 00000000");
        expectBad(GetACLResponse::read, "80000000");
    }

    @Test
    void hugeLengthsAndCountsAreRefusedWithoutAllocating() {
        expectBad(SyncRequest::read, "7fffffff 2f");
        expectBad(GetDataResponse::read, "7ffffff0 00");
        expectBad(GetChildrenResponse::read, "7fffffff 00000000");
        expectBad(WhoAmIResponse::read, "7fffffff 00000000 00000000");
        expectBad(SetWatches::read, "0000000000000001 40000000 00000001 61");
        expectBad(CreateRequest::read, "00000001 2f 00000000 10000000 0000001f");
        expectBad(in -> Requests.decodeBody(OpCode.SET_ACL, in), "00000001 2f 7fffffff");
    }

    @Test
    void multiWithoutDoneHeaderIsTruncated() {
        JuteWriter out = new JuteWriter();
        for (int i = 0; i < 1000; i++) {
            MultiOp.check(new CheckVersionRequest("/a", i)).write(out);
        }
        assertThrows(WireFormatException.class, () -> MultiRequest.read(new JuteReader(out.toByteArray())));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 23, 99, 108, 999, -2, -12, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void unknownOpCodesAreRefused(int op) {
        JuteReader in = new JuteReader(new SyncRequest("/a").toBytes());
        WireFormatException e = assertThrows(WireFormatException.class, () -> Requests.decodeBody(op, in));
        assertEquals("unknown op code " + op, e.getMessage());
        WireFormatException r = assertThrows(WireFormatException.class, () -> Replies.decodeBody(op, in));
        assertEquals("unknown op code " + op, r.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {OpCode.NOTIFICATION, OpCode.ERROR, OpCode.DELETE_CONTAINER})
    void opCodesClientsMayNotSendAreRefused(int op) {
        JuteReader in = new JuteReader(new SyncRequest("/a").toBytes());
        WireFormatException e = assertThrows(WireFormatException.class, () -> Requests.decodeBody(op, in));
        assertTrue(e.getMessage().startsWith("unknown op code " + op), e.getMessage());
    }

    /** Random corruptions of valid bodies, decoded by op code: only success or WireFormatException. */
    @Test
    void fuzzedBodiesNeverThrowAnythingElse() {
        Random random = new Random(20240601L);
        List<WireSamples.Sample> samples = WireSamples.all();
        for (int i = 0; i < 20_000; i++) {
            byte[] b = samples.get(random.nextInt(samples.size())).record().toBytes();
            mutate(b, random);
            int op = ALL_OPS[random.nextInt(ALL_OPS.length)];
            decodeExpectingOnlyWireFormatErrors(b, op, true);
            decodeExpectingOnlyWireFormatErrors(b, op, false);
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            int op = ALL_OPS[random.nextInt(ALL_OPS.length)];
            decodeExpectingOnlyWireFormatErrors(b, op, random.nextBoolean());
        }
    }

    private static void mutate(byte[] b, Random random) {
        if (b.length == 0) {
            return;
        }
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int pos = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> b[pos] = (byte) random.nextInt(256);
                case 1 -> b[pos] = (byte) 0xff;
                default -> b[pos] = (byte) 0x7f;
            }
        }
    }

    private static void decodeExpectingOnlyWireFormatErrors(byte[] b, int op, boolean request) {
        try {
            if (request) {
                Requests.decodeBody(op, new JuteReader(b));
            } else {
                Replies.decodeBody(op, new JuteReader(b));
            }
        } catch (WireFormatException expected) {
            // the only acceptable failure
        } catch (Throwable t) {
            fail((request ? "request " : "reply ") + OpCode.name(op) + " on " + WireSamples.hex(b) + " threw " + t, t);
        }
    }

    private static void expectBad(Function<JuteReader, ?> reader, String hex) {
        byte[] b = WireSamples.unhex(hex);
        assertThrows(WireFormatException.class, () -> reader.apply(new JuteReader(b)), hex);
    }
}
