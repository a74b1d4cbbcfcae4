package io.coord.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordRoundTripTest {
    static List<WireSamples.Sample> samples() {
        return WireSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void writeThenReadGivesAnEqualRecordAndConsumesEveryByte(WireSamples.Sample s) {
        byte[] bytes = s.record().toBytes();
        JuteReader in = new JuteReader(bytes);
        JuteRecord back = s.reader().apply(in);
        assertEquals(s.record(), back);
        assertEquals(s.record().hashCode(), back.hashCode());
        assertEquals(0, in.remaining(), "bytes left after " + s.name());
        assertArrayEquals(bytes, back.toBytes(), "re-encoding differs");
    }

    @Test
    void everyRecordTypeOfThePackageHasASample() {
        Set<Class<?>> sampled = WireSamples.all().stream().map(s -> s.record().getClass())
                .collect(Collectors.toSet());
        List<Class<?>> expected = List.of(ConnectRequest.class, ConnectResponse.class, RequestHeader.class,
                ReplyHeader.class, WatcherEvent.class, AuthPacket.class, SetWatches.class, SetWatches2.class,
                ExistsRequest.class, GetDataRequest.class, GetACLRequest.class, GetChildrenRequest.class,
                GetChildren2Request.class, SyncRequest.class, CheckWatchesRequest.class,
                RemoveWatchesRequest.class, GetEphemeralsRequest.class, GetAllChildrenNumberRequest.class,
                AddWatchRequest.class, ReconfigRequest.class, CreateResponse.class, Create2Response.class,
                ExistsResponse.class, GetDataResponse.class, SetDataResponse.class, GetACLResponse.class,
                SetACLResponse.class, GetChildrenResponse.class, GetChildren2Response.class,
                SyncResponse.class, GetEphemeralsResponse.class, GetAllChildrenNumberResponse.class,
                ErrorResponse.class, ClientInfo.class, WhoAmIResponse.class, MultiHeader.class,
                MultiRequest.class, MultiResponse.class, CreateRequest.class, CreateTTLRequest.class,
                DeleteRequest.class, SetDataRequest.class, SetACLRequest.class, CheckVersionRequest.class,
                Stat.class, Id.class, Acl.class, GetSASLRequest.class, SetSASLResponse.class);
        Set<Class<?>> missing = new HashSet<>(expected);
        missing.removeAll(sampled);
        assertTrue(missing.isEmpty(), "no sample for " + missing);
    }

    @Test
    void recordsWithByteArraysCompareByContent() {
        byte[] a = {1, 2, 3};
        byte[] b = {1, 2, 3};
        assertNotSame(a, b);
        assertEquals(new SetDataRequest("/x", a, 1), new SetDataRequest("/x", b, 1));
        assertEquals(new SetDataRequest("/x", a, 1).hashCode(), new SetDataRequest("/x", b, 1).hashCode());
        assertNotEquals(new SetDataRequest("/x", a, 1), new SetDataRequest("/x", new byte[] {1, 2}, 1));
        assertEquals(new GetDataResponse(a, WireSamples.STAT), new GetDataResponse(b, WireSamples.STAT));
        assertEquals(new AuthPacket(0, "d", a), new AuthPacket(0, "d", b));
        assertEquals(new CreateTTLRequest("/t", a, List.of(), 5, 1), new CreateTTLRequest("/t", b, List.of(), 5, 1));
        assertNotEquals(new CreateRequest("/t", a, List.of(), 0), new CreateRequest("/t", null, List.of(), 0));
        assertEquals(new ConnectResponse(0, 1, 2, a, null), new ConnectResponse(0, 1, 2, b, null));
        assertNotEquals(new ConnectResponse(0, 1, 2, a, null), new ConnectResponse(0, 1, 2, b, false));
    }

    @Test
    void toStringNeverPrintsPasswordsOrCredentials() {
        byte[] secret = "s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String auth = new AuthPacket(0, "digest", secret).toString();
        assertTrue(auth.contains("byte[6]"), auth);
        String connect = new ConnectRequest(0, 0, 1, 1, new byte[] {115, 51}, null).toString();
        assertTrue(connect.contains("byte[2]") && !connect.contains("115"), connect);
    }
}
