package io.coord.client;

import io.coord.client.WatchRegistry.Kind;
import io.coord.wire.SetWatches2;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The SetWatches2 packets that re-register a client's watches after a reconnect: server paths,
 * relative to the last zxid seen, split so no packet carries much more than {@code maxBytes} of
 * paths (a client with many watches must not exceed the server's packet limit).
 */
final class SetWatchesBatches {
    private SetWatchesBatches() {
    }

    static List<SetWatches2> of(WatchRegistry watches, ConnectString cs, long relativeZxid, int maxBytes) {
        List<SetWatches2> out = new ArrayList<>();
        Map<Kind, List<String>> lists = fresh();
        int bytes = 0;
        for (Kind kind : Kind.values()) {
            for (String path : watches.paths(kind)) {
                String serverPath = cs.toServerPath(path);
                lists.get(kind).add(serverPath);
                bytes += serverPath.length() + 4;
                if (bytes >= maxBytes) {
                    out.add(batch(relativeZxid, lists));
                    lists = fresh();
                    bytes = 0;
                }
            }
        }
        if (bytes > 0) {
            out.add(batch(relativeZxid, lists));
        }
        return out;
    }

    private static Map<Kind, List<String>> fresh() {
        Map<Kind, List<String>> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, new ArrayList<>());
        }
        return m;
    }

    private static SetWatches2 batch(long relativeZxid, Map<Kind, List<String>> l) {
        return new SetWatches2(relativeZxid, List.copyOf(l.get(Kind.DATA)), List.copyOf(l.get(Kind.EXIST)),
                List.copyOf(l.get(Kind.CHILD)), List.copyOf(l.get(Kind.PERSISTENT)),
                List.copyOf(l.get(Kind.RECURSIVE)));
    }
}
