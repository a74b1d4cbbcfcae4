package io.coord.server.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * One server of a differential run (see {@link DifferentialCompatTest}): the stock clients of its
 * session slots, one observer session, and what makes its answers comparable with the other
 * server's. Session ids become slot-independent labels (s0, s1, ... in order of creation); zxids
 * become their rank among every zxid this side has shown in an answer so far, so two servers that
 * number transactions differently (ZooKeeper spends zxids on session creation, for instance) still
 * render identical answers when they order the same writes the same way.
 */
final class DiffSide implements AutoCloseable {

    // The longest both targets grant (20 ticks): a loaded machine must not expire an idle slot.
    static final int SESSION_TIMEOUT_MS = 20 * TestTarget.TICK_TIME_MS;
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(10);
    private static final long REPLY_WAIT_MS = 10_000;

    /** A stock client whose TCP connection can be dropped without closing its session. */
    static final class Client extends ZooKeeper {
        Client(String connectString, Watcher watcher) throws IOException {
            super(connectString, SESSION_TIMEOUT_MS, watcher);
        }

        Client(String connectString, Watcher watcher, long sessionId, byte[] password) throws IOException {
            super(connectString, SESSION_TIMEOUT_MS, watcher, sessionId, password);
        }

        /** Stops the client's threads and closes its socket; the session lives on at the server. */
        void dropConnection() {
            cnxn.disconnect();
        }
    }

    /** One node event as received: its transaction's zxid and "type path state". */
    record Received(long zxid, String text) { }

    /** Keeps one session's node events in arrival order. */
    static final class Recorder implements Watcher {
        private final List<Received> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() != Watcher.Event.EventType.None) {
                events.add(new Received(event.getZxid(),
                        event.getType() + " " + event.getPath() + " " + event.getState()));
            }
        }

        List<Received> drain() {
            synchronized (events) {
                List<Received> copy = new ArrayList<>(events);
                events.clear();
                return copy;
            }
        }
    }

    /** A session slot: the current client, its watcher and its session's label. */
    static final class Slot {
        Client client;
        final Recorder recorder = new Recorder();
        String label;
    }

    private final String name;
    private final String connectString;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<Long, String> sessionLabels = new HashMap<>();
    private final TreeSet<Long> seenZxids = new TreeSet<>();
    private Client observer;

    DiffSide(String name, String connectString) {
        this.name = name;
        this.connectString = connectString;
    }

    String name() {
        return name;
    }

    /** Opens {@code count} session slots and the observer. */
    void open(int count) throws Exception {
        observer = connect(w -> new Client(connectString, w));
        sessionLabels.put(observer.getSessionId(), "observer");
        for (int i = 0; i < count; i++) {
            Slot slot = new Slot();
            slots.add(slot);
            openSession(slot);
        }
    }

    Slot slot(int index) {
        return slots.get(index);
    }

    ZooKeeper client(int index) {
        return slots.get(index).client;
    }

    Watcher watcher(int index) {
        return slots.get(index).recorder;
    }

    ZooKeeper observer() {
        return observer;
    }

    private void openSession(Slot slot) throws Exception {
        slot.client = connect(w -> new Client(connectString, w));
        slot.label = "s" + sessionLabels.size();
        sessionLabels.put(slot.client.getSessionId(), slot.label);
    }

    /** Closes slot {@code index}'s session and opens a new one in its place; returns the new label. */
    String closeAndReopen(int index) throws Exception {
        Slot slot = slots.get(index);
        slot.client.close();
        slot.recorder.drain(); // nothing can arrive for a closed session; keep the slot clean
        openSession(slot);
        return slot.label;
    }

    /**
     * Drops slot {@code index}'s connection and reattaches to the same session with a new client
     * (session id and password). The new connection has none of the old one's watches or auth.
     */
    void reattach(int index) throws Exception {
        Slot slot = slots.get(index);
        Client old = slot.client;
        long sessionId = old.getSessionId();
        byte[] password = old.getSessionPasswd();
        old.dropConnection();
        slot.client = connect(w -> new Client(connectString, w, sessionId, password));
        if (slot.client.getSessionId() != sessionId) {
            throw new IllegalStateException(name + ": reattach got another session");
        }
    }

    private Client connect(StockClients.Opener opener) throws Exception {
        return (Client) StockClients.connected(opener, e -> { }, CONNECT_WAIT, name + " " + connectString);
    }

    /**
     * After an operation: every event the server sent any slot before this returns has been
     * delivered to the slot's recorder. An asynchronous call's callback runs on the client's event
     * thread after every event queued before its reply, and the server sends a connection's events
     * before the reply to any later request on it.
     */
    void barrier(String path) throws Exception {
        for (Slot slot : slots) {
            CompletableFuture<Integer> done = new CompletableFuture<>();
            slot.client.exists(path, false, (rc, p, ctx, stat) -> done.complete(rc), null);
            done.get(REPLY_WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Every slot's events since the last drain, each with its zxid's rank. Events of one
     * transaction (same zxid) are sorted: ZooKeeper fires those of a multi or of a closed
     * session's ephemerals in the order of a hash set, which no client can rely on; the order of
     * events of different transactions is compared as received.
     */
    List<List<String>> drainEvents() {
        List<List<Received>> raw = new ArrayList<>();
        for (Slot slot : slots) {
            List<Received> events = slot.recorder.drain();
            events.forEach(e -> {
                if (e.zxid() != WatchedEvent.NO_ZXID) {
                    seenZxids.add(e.zxid());
                }
            });
            raw.add(events);
        }
        List<List<String>> all = new ArrayList<>();
        for (List<Received> events : raw) {
            List<String> rendered = new ArrayList<>();
            int start = 0;
            while (start < events.size()) {
                int end = start;
                while (end < events.size() && events.get(end).zxid() == events.get(start).zxid()) {
                    end++;
                }
                long zxid = events.get(start).zxid();
                String at = zxid == WatchedEvent.NO_ZXID ? " @none" : " @" + rank(zxid);
                List<String> group = new ArrayList<>();
                events.subList(start, end).forEach(e -> group.add(e.text() + at));
                Collections.sort(group);
                rendered.addAll(group);
                start = end;
            }
            all.add(rendered);
        }
        return all;
    }

    /** Renders an answer: stats with ranked zxids and labelled owners, sorted children, ACLs. */
    String render(Object... parts) {
        for (Object part : parts) {
            noteZxids(part);
        }
        StringJoiner out = new StringJoiner(" ");
        for (Object part : parts) {
            out.add(renderPart(part));
        }
        return out.toString();
    }

    private void noteZxids(Object part) {
        if (part instanceof Stat stat) {
            seenZxids.add(stat.getCzxid());
            seenZxids.add(stat.getMzxid());
            seenZxids.add(stat.getPzxid());
        } else if (part instanceof List<?> list) {
            list.forEach(this::noteZxids);
        } else if (part instanceof OpResult.CreateResult r && r.getStat() != null) {
            noteZxids(r.getStat());
        } else if (part instanceof OpResult.SetDataResult r) {
            noteZxids(r.getStat());
        } else if (part instanceof OpResult.GetDataResult r) {
            noteZxids(r.getStat());
        }
    }

    @SuppressWarnings("unchecked")
    private String renderPart(Object part) {
        if (part == null) {
            return "null";
        }
        if (part instanceof Stat stat) {
            return renderStat(stat);
        }
        if (part instanceof byte[] data) {
            return "data=" + new String(data, StandardCharsets.UTF_8);
        }
        if (part instanceof KeeperException e) {
            return "ERR " + e.code();
        }
        if (part instanceof ACL acl) {
            return acl.getPerms() + ":" + acl.getId().getScheme() + ":" + acl.getId().getId();
        }
        if (part instanceof OpResult result) {
            return renderResult(result);
        }
        if (part instanceof List<?> list) {
            StringJoiner out = new StringJoiner(", ", "[", "]");
            list.forEach(item -> out.add(renderPart(item)));
            return out.toString();
        }
        return part.toString();
    }

    private String renderResult(OpResult result) {
        if (result instanceof OpResult.CreateResult r) {
            return "create " + r.getPath() + (r.getStat() == null ? "" : " " + renderStat(r.getStat()));
        }
        if (result instanceof OpResult.SetDataResult r) {
            return "set " + renderStat(r.getStat());
        }
        if (result instanceof OpResult.DeleteResult) {
            return "delete";
        }
        if (result instanceof OpResult.CheckResult) {
            return "check";
        }
        if (result instanceof OpResult.ErrorResult r) {
            return "error " + KeeperException.Code.get(r.getErr());
        }
        if (result instanceof OpResult.GetDataResult r) {
            return "get " + renderPart(r.getData()) + " " + renderStat(r.getStat());
        }
        if (result instanceof OpResult.GetChildrenResult r) {
            return "children " + sorted(r.getChildren());
        }
        return result.toString();
    }

    /** Children come back in no defined order (ZooKeeper's is a hash set's): compared sorted. */
    static List<String> sorted(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        Collections.sort(copy);
        return copy;
    }

    private String renderStat(Stat s) {
        long c = s.getCzxid();
        long m = s.getMzxid();
        long p = s.getPzxid();
        return "{cz=" + rank(c) + " mz=" + rank(m) + " pz=" + rank(p)
                + " v=" + s.getVersion() + " cv=" + s.getCversion() + " av=" + s.getAversion()
                + " owner=" + owner(s.getEphemeralOwner()) + " len=" + s.getDataLength()
                + " kids=" + s.getNumChildren() + "}";
    }

    private String rank(long zxid) {
        return "#" + seenZxids.headSet(zxid).size();
    }

    private String owner(long ephemeralOwner) {
        if (ephemeralOwner == 0) {
            return "0";
        }
        String label = sessionLabels.get(ephemeralOwner);
        // Containers and TTL nodes carry a marker, not a session: compared raw.
        return label != null ? label : "0x" + Long.toHexString(ephemeralOwner);
    }

    @Override
    public void close() {
        List<ZooKeeper> all = new ArrayList<>();
        slots.forEach(s -> all.add(s.client));
        all.add(observer);
        for (ZooKeeper client : all) {
            if (client == null) {
                continue;
            }
            try {
                client.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
