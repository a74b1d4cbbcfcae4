package io.coord.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MultiTest {
    @Test
    void writeMultiRoundTripsThroughRequestsWithEveryBodyKind() {
        MultiRequest req = WireSamples.writeMulti();
        assertEquals(OpCode.MULTI, req.opCode());
        MultiRequest back = (MultiRequest) Requests.decodeBody(OpCode.MULTI, new JuteReader(req.toBytes()));
        assertEquals(req, back);
        assertTrue(back.ops().get(3).body() instanceof CreateTTLRequest);
        assertEquals(List.of(1, 15, 19, 21, 2, 5, 13), back.ops().stream().map(MultiOp::type).toList());
    }

    @Test
    void multiReadRoundTrips() {
        MultiRequest req = WireSamples.readMulti();
        assertEquals(OpCode.MULTI_READ, req.opCode());
        assertEquals(req, Requests.decodeBody(OpCode.MULTI_READ, new JuteReader(req.toBytes())));
    }

    @Test
    void readOpsInsideMultiAndWriteOpsInsideMultiReadAreRefused() {
        byte[] reads = WireSamples.readMulti().toBytes();
        byte[] writes = WireSamples.writeMulti().toBytes();
        assertThrows(WireFormatException.class, () -> Requests.decodeBody(OpCode.MULTI, new JuteReader(reads)));
        assertThrows(WireFormatException.class,
                () -> Requests.decodeBody(OpCode.MULTI_READ, new JuteReader(writes)));
    }

    @Test
    void mixedKindsAreRefused() {
        JuteWriter out = new JuteWriter();
        MultiOp.delete(new DeleteRequest("/a", -1)).write(out);
        MultiOp.getData(new GetDataRequest("/a", false)).write(out);
        MultiHeader.DONE.write(out);
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> MultiRequest.read(new JuteReader(out.toByteArray())));
        assertTrue(e.getMessage().contains("mixes"), e.getMessage());
    }

    @Test
    void opTypesNotAllowedInsideMultiAreRefused() {
        for (int op : new int[] {OpCode.EXISTS, OpCode.SET_ACL, OpCode.MULTI, OpCode.SYNC, OpCode.PING, 999}) {
            JuteWriter out = new JuteWriter();
            new MultiHeader(op, false, -1).write(out);
            new GetACLRequest("/a").write(out);
            MultiHeader.DONE.write(out);
            assertThrows(WireFormatException.class, () -> MultiRequest.read(new JuteReader(out.toByteArray())),
                    OpCode.name(op));
        }
        assertThrows(IllegalArgumentException.class, () -> new MultiOp(OpCode.EXISTS, new ExistsRequest("/a", false)));
        assertThrows(IllegalArgumentException.class, () -> new MultiOp(OpCode.CREATE, new DeleteRequest("/a", 0)));
        assertThrows(IllegalArgumentException.class,
                () -> new MultiOp(OpCode.CREATE_TTL, WireSamples.createRequest("/a")));
    }

    @Test
    void readerStopsAtTheDoneHeaderAndLeavesTheRest() {
        byte[] bytes = WireSamples.readMulti().toBytes();
        byte[] withTail = java.util.Arrays.copyOf(bytes, bytes.length + 3);
        JuteReader in = new JuteReader(withTail);
        assertEquals(2, MultiRequest.read(in).ops().size());
        assertEquals(3, in.remaining());
    }

    @Test
    void successResponseDecodesBodiesByHeaderType() {
        MultiResponse rsp = WireSamples.successResponse();
        MultiResponse back = (MultiResponse) Replies.decodeBody(OpCode.MULTI, new JuteReader(rsp.toBytes()));
        assertEquals(rsp, back);
        assertNull(back.firstError());
        assertTrue(back.results().get(0).body() instanceof CreateResponse);
        assertTrue(back.results().get(1).body() instanceof Create2Response);
        assertTrue(back.results().get(2).body() instanceof Create2Response);
        assertNull(back.results().get(3).body());
        assertTrue(back.results().get(4).body() instanceof SetDataResponse);
        assertNull(back.results().get(5).body());
    }

    @Test
    void multiReadResponseMayMixResultsAndErrors() {
        MultiResponse back = MultiResponse.read(new JuteReader(WireSamples.readResponse().toBytes()));
        assertEquals(WireSamples.readResponse(), back);
        assertTrue(back.results().get(0).body() instanceof GetChildrenResponse);
        assertTrue(back.results().get(1).body() instanceof GetDataResponse);
        assertEquals(new ErrorResponse(-101), back.results().get(2).body());
        assertEquals(-101, back.firstError().err());
    }

    @Test
    void failedMultiHasOkThenFailingCodeThenRuntimeInconsistency() {
        MultiResponse failed = MultiResponse.failed(4, 2, ErrorCode.BADVERSION.code());
        MultiResponse back = MultiResponse.read(new JuteReader(failed.toBytes()));
        assertEquals(failed, back);
        assertTrue(back.results().stream().allMatch(MultiResult::isError));
        assertEquals(List.of(0, 0, -103, -2), back.results().stream().map(MultiResult::err).toList());
        assertEquals(List.of(0, 0, -103, -2),
                back.results().stream().map(r -> ((ErrorResponse) r.body()).err()).toList());
        assertEquals(-103, back.firstError().err());
        assertThrows(IllegalArgumentException.class, () -> MultiResponse.failed(2, 2, -101));
    }

    @Test
    void unknownResultTypeIsRefused() {
        JuteWriter out = new JuteWriter();
        new MultiHeader(OpCode.EXISTS, false, 0).write(out);
        WireSamples.STAT.write(out);
        MultiHeader.DONE.write(out);
        assertThrows(WireFormatException.class, () -> MultiResponse.read(new JuteReader(out.toByteArray())));
        assertThrows(IllegalArgumentException.class, () -> new MultiResult(OpCode.DELETE, 0, new ErrorResponse(0)));
        assertThrows(IllegalArgumentException.class, () -> new MultiResult(OpCode.SET_DATA, 0, null));
    }
}
