package io.coord.server.session;

import io.coord.wire.Id;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session table: ids, passwords, timeouts, auth ids and expiry.
 *
 * <p>Expiry is batched by tick: a session whose deadline is {@code t} sits in the bucket of the
 * first multiple of {@code tickTimeMs} strictly after {@code t}, so the request thread only has to
 * look at the clock once a tick (at the bucket times, see {@link #nextCheckMs}), and a session never
 * expires before its full timeout has passed, nor more than one tick later.
 *
 * <p>Threading: not thread-safe, by design. It belongs to the request thread like the tree and the
 * watch registry. The read-only views ({@link #sessionTimeouts()}, {@link #remainingMs()},
 * {@link #expiryBuckets()}, {@link #serialize()}) return immutable copies, but they too must be
 * called on the request thread; an admin thread submits a task there and formats the copy.
 */
public final class SessionTracker {

    /** Length of a session password, as the handshake carries it. */
    public static final int PASSWORD_LENGTH = 16;
    /** The largest server id: a high byte of 0xFF marks TTL nodes' ephemeralOwner. */
    public static final long MAX_SERVER_ID = 254;

    private static final long CONTAINER_OWNER = 0x8000000000000000L;
    private static final int MIN_SECRET_BYTES = 16;
    private static final int FORMAT_VERSION = 1;
    /** Version 1 plus, after the sessions, the passwords given explicitly (imported sessions). */
    private static final int FORMAT_VERSION_GIVEN_PASSWORDS = 2;
    private static final int SERIALIZED_SESSION_BYTES = 16;
    private static final long NOT_QUEUED = Long.MIN_VALUE;
    private static final String MAC_ALGORITHM = "HmacSHA256";

    private final Clock clock;
    private final int tickTimeMs;
    private final long serverId;
    private final Mac passwordMac;
    private final Map<Long, Session> sessions = new HashMap<>();
    private final TreeMap<Long, Set<Long>> buckets = new TreeMap<>();
    private long nextSessionId;
    /** Sessions {@link #expire()} returned, and how late after its deadline the latest of them was. */
    private long expiredCount;
    private long expiryLagMaxMs;

    /**
     * @param clock      time source for expiry and the id seed
     * @param tickTimeMs bucket width, the server's tickTime
     * @param serverId   0..254, becomes the high byte of every session id this server creates
     * @param secret     at least 16 bytes; passwords are derived from it and the session id, so the
     *                   same secret after a restart recomputes the same passwords. Keep it stable
     *                   (persisted or configured) and private.
     */
    public SessionTracker(Clock clock, int tickTimeMs, long serverId, byte[] secret) {
        if (tickTimeMs <= 0) {
            throw new IllegalArgumentException("tickTimeMs must be positive: " + tickTimeMs);
        }
        if (serverId < 0 || serverId > MAX_SERVER_ID) {
            throw new IllegalArgumentException("serverId must be in [0, 254]: " + serverId);
        }
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("secret must hold at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.clock = clock;
        this.tickTimeMs = tickTimeMs;
        this.serverId = serverId;
        this.passwordMac = newMac(secret);
        this.nextSessionId = initialSessionId(serverId, clock.wallMs());
    }

    /** A fresh random secret for {@link #SessionTracker}; pass a SecureRandom in production. */
    public static byte[] newSecret(RandomGenerator random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return secret;
    }

    /**
     * The first session id of a server started at {@code wallMs}: the server id in the high byte,
     * the low 40 bits of the start time in the next five bytes, zero in the low two bytes, so ids
     * from different servers and different starts do not collide.
     */
    public static long initialSessionId(long serverId, long wallMs) {
        long id = ((wallMs << 24) >>> 8) | (serverId << 56);
        return id == CONTAINER_OWNER ? id + 1 : id;
    }

    /** Clamps a client's requested timeout to the server's [min, max]. */
    public static int negotiateTimeout(int requestedMs, int minMs, int maxMs) {
        if (minMs > maxMs) {
            throw new IllegalArgumentException("min " + minMs + " > max " + maxMs);
        }
        return Math.max(minMs, Math.min(maxMs, requestedMs));
    }

    /** Creates a session with a new id, already scheduled to expire {@code timeoutMs} from now. */
    public SessionInfo createSession(int timeoutMs) {
        checkTimeout(timeoutMs);
        long id = nextSessionId++;
        while (id == CONTAINER_OWNER || id == 0 || sessions.containsKey(id)) {
            id = nextSessionId++;
        }
        track(id, timeoutMs, timeoutMs);
        return new SessionInfo(id, timeoutMs, password(id));
    }

    /**
     * Tracks a session with a known id, as replaying a createSession txn does. Returns false when
     * the id was already tracked; its timeout is then replaced and its deadline restarted.
     */
    public boolean addSession(long sessionId, int timeoutMs) {
        checkTimeout(timeoutMs);
        return track(sessionId, timeoutMs, timeoutMs);
    }

    /**
     * Tracks a session whose password was not derived from this server's secret: one imported
     * from another server (ZooKeeper derives its own), whose client still holds that password.
     * The password stays with the session (and in {@link #serialize()}) until the session ends.
     */
    public boolean addSession(long sessionId, int timeoutMs, byte[] password) {
        if (password == null || password.length != PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a session password has " + PASSWORD_LENGTH + " bytes");
        }
        boolean added = addSession(sessionId, timeoutMs);
        sessions.get(sessionId).givenPassword = password.clone();
        return added;
    }

    /** Restarts the session's full timeout. False when unknown or closing (the client must not revive it). */
    public boolean touch(long sessionId) {
        Session s = sessions.get(sessionId);
        if (s == null || s.closing) {
            return false;
        }
        schedule(s, s.timeoutMs);
        return true;
    }

    /**
     * Call once a tick. Returns the sessions whose bucket is due, in bucket order, and marks them
     * closing; a session is returned once and stays tracked until {@link #remove} (the pipeline
     * logs a closeSession txn for it, whose apply removes it).
     */
    public List<Long> expire() {
        long now = clock.nowMs();
        List<Long> expired = new ArrayList<>();
        while (!buckets.isEmpty() && buckets.firstKey() <= now) {
            for (long id : buckets.pollFirstEntry().getValue()) {
                Session s = sessions.get(id);
                s.closing = true;
                s.bucketMs = NOT_QUEUED;
                expired.add(id);
                expiredCount++;
                expiryLagMaxMs = Math.max(expiryLagMaxMs, now - s.deadlineMs);
            }
        }
        return expired;
    }

    /** Sessions expired by this tracker so far (returned by {@link #expire()}). */
    public long expiredCount() {
        return expiredCount;
    }

    /**
     * How late, at most, an expiry came after the session's deadline (last touch plus timeout), in
     * ms on the tracker's clock: the tick rounding of the buckets plus however late the owner
     * called {@link #expire()}. 0 before the first expiry.
     */
    public long expiryLagMaxMs() {
        return expiryLagMaxMs;
    }

    /** When {@link #expire()} next has work: the earliest bucket time, or -1 when there is none. */
    public long nextExpiryMs() {
        return buckets.isEmpty() ? -1 : buckets.firstKey();
    }

    /**
     * When the owner must next call {@link #expire()}: {@code nowMs} when a bucket is already due,
     * else the next multiple of tickTimeMs after it. Every bucket sits on such a multiple, and a
     * session created or touched before then can only land on that one or a later one, so waking
     * there (rather than on a timer of its own phase) expires each bucket at its own time, never up
     * to a timer period late.
     */
    public long nextCheckMs(long nowMs) {
        if (!buckets.isEmpty() && buckets.firstKey() <= nowMs) {
            return nowMs;
        }
        return (Math.floorDiv(nowMs, tickTimeMs) + 1) * tickTimeMs;
    }

    /** Forgets the session entirely (closeSession applied). False when it was not tracked. */
    public boolean remove(long sessionId) {
        Session s = sessions.remove(sessionId);
        if (s == null) {
            return false;
        }
        unschedule(s);
        return true;
    }

    /**
     * Marks the session closing (a closeSession is on its way): it can no longer be touched and
     * {@link #expire()} will not return it. False when unknown.
     */
    public boolean setClosing(long sessionId) {
        Session s = sessions.get(sessionId);
        if (s == null) {
            return false;
        }
        s.closing = true;
        unschedule(s);
        return true;
    }

    /** Tracked and not closing. */
    public boolean isValid(long sessionId) {
        Session s = sessions.get(sessionId);
        return s != null && !s.closing;
    }

    public boolean contains(long sessionId) {
        return sessions.containsKey(sessionId);
    }

    public boolean isClosing(long sessionId) {
        Session s = sessions.get(sessionId);
        return s != null && s.closing;
    }

    /**
     * Whether {@code password} is the one derived for this id. It does not look at the table: a
     * reattaching client is first checked here, then {@link #isValid} decides if the session lives.
     */
    public boolean checkPassword(long sessionId, byte[] password) {
        return password != null && MessageDigest.isEqual(password(sessionId), password);
    }

    /**
     * The password of any id, derived from the secret (the same after a restart), or the one given
     * to {@link #addSession(long, int, byte[])} while that session lives.
     */
    public byte[] password(long sessionId) {
        Session given = sessions.get(sessionId);
        if (given != null && given.givenPassword != null) {
            return given.givenPassword.clone();
        }
        byte[] idBytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            idBytes[i] = (byte) (sessionId >>> (56 - 8 * i));
        }
        byte[] full = passwordMac.doFinal(idBytes);
        byte[] password = new byte[PASSWORD_LENGTH];
        System.arraycopy(full, 0, password, 0, PASSWORD_LENGTH);
        return password;
    }

    /** The negotiated timeout, or -1 when the session is not tracked. */
    public int timeoutMs(long sessionId) {
        Session s = sessions.get(sessionId);
        return s == null ? -1 : s.timeoutMs;
    }

    /** Adds an authenticated identity to the session; false when the session is unknown. */
    public boolean addAuth(long sessionId, Id id) {
        Session s = sessions.get(sessionId);
        if (s == null) {
            return false;
        }
        s.authIds.add(id);
        return true;
    }

    /**
     * Forgets the session's auth ids: ZooKeeper keeps authentication per connection, so a session
     * reattached through a new connection starts with none (its client sends its credentials
     * again); keeping them would hand the old connection's identities to whoever holds the
     * session id and password.
     */
    public void clearAuth(long sessionId) {
        Session s = sessions.get(sessionId);
        if (s != null) {
            s.authIds.clear();
        }
    }

    /** The session's auth ids in the order added; empty when unknown. */
    public List<Id> authIds(long sessionId) {
        Session s = sessions.get(sessionId);
        return s == null ? List.of() : List.copyOf(s.authIds);
    }

    public int size() {
        return sessions.size();
    }

    public int tickTimeMs() {
        return tickTimeMs;
    }

    public long serverId() {
        return serverId;
    }

    /** Immutable copy: session id to negotiated timeout, sorted by id (closing sessions included). */
    public SortedMap<Long, Integer> sessionTimeouts() {
        TreeMap<Long, Integer> copy = new TreeMap<>();
        sessions.forEach((id, s) -> copy.put(id, s.timeoutMs));
        return Collections.unmodifiableSortedMap(copy);
    }

    /** Immutable copy: session id to ms left before its deadline (0 when due or closing). */
    public SortedMap<Long, Integer> remainingMs() {
        long now = clock.nowMs();
        TreeMap<Long, Integer> copy = new TreeMap<>();
        sessions.forEach((id, s) -> copy.put(id, remaining(s, now)));
        return Collections.unmodifiableSortedMap(copy);
    }

    /** Immutable copy for the {@code dump} four-letter word: bucket time to session ids. */
    public SortedMap<Long, List<Long>> expiryBuckets() {
        TreeMap<Long, List<Long>> copy = new TreeMap<>();
        buckets.forEach((time, ids) -> copy.put(time, List.copyOf(ids)));
        return Collections.unmodifiableSortedMap(copy);
    }

    /**
     * The table as bytes for a snapshot: each session's id, timeout and remaining time, plus the id
     * counter. Auth ids are not kept: clients resend them when they reconnect.
     */
    public byte[] serialize() {
        long now = clock.nowMs();
        JuteWriter out = new JuteWriter(16 + sessions.size() * SERIALIZED_SESSION_BYTES);
        TreeMap<Long, byte[]> given = new TreeMap<>();
        sessions.values().stream().filter(s -> s.givenPassword != null).forEach(s -> given.put(s.id, s.givenPassword));
        // Without given passwords the bytes stay those of version 1, which earlier versions read.
        out.writeInt(given.isEmpty() ? FORMAT_VERSION : FORMAT_VERSION_GIVEN_PASSWORDS)
                .writeLong(nextSessionId).writeInt(sessions.size());
        for (Map.Entry<Long, Integer> e : sessionTimeouts().entrySet()) {
            Session s = sessions.get(e.getKey());
            out.writeLong(s.id).writeInt(s.timeoutMs).writeInt(remaining(s, now));
        }
        if (!given.isEmpty()) {
            out.writeInt(given.size());
            given.forEach((id, password) -> out.writeLong(id).writeBuffer(password));
        }
        return out.toByteArray();
    }

    /**
     * Rebuilds a tracker from {@link #serialize()} bytes. Each session gets back its timeout and is
     * due after its remaining time, counted from {@code clock.nowMs()}; sessions that were closing
     * come back due at once, so {@link #expire()} returns them again. New ids continue after both
     * the saved counter and this start's seed.
     *
     * @throws WireFormatException when the bytes are not a serialized table
     */
    public static SessionTracker restore(byte[] bytes, Clock clock, int tickTimeMs, long serverId,
            byte[] secret) {
        SessionTracker tracker = new SessionTracker(clock, tickTimeMs, serverId, secret);
        JuteReader in = new JuteReader(bytes);
        int version = in.readInt();
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_GIVEN_PASSWORDS) {
            throw new WireFormatException("unknown session table version " + version);
        }
        long savedNext = in.readLong();
        int count = in.readInt();
        if (count < 0 || (long) count * SERIALIZED_SESSION_BYTES > in.remaining()) {
            throw new WireFormatException("bad session count " + count);
        }
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            int timeoutMs = in.readInt();
            int remainingMs = in.readInt();
            if (timeoutMs <= 0 || remainingMs < 0) {
                throw new WireFormatException("bad session 0x" + Long.toHexString(id));
            }
            tracker.track(id, timeoutMs, remainingMs);
        }
        if (version == FORMAT_VERSION_GIVEN_PASSWORDS) {
            restoreGivenPasswords(tracker, in);
        }
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " trailing bytes after session table");
        }
        if ((savedNext >>> 56) == serverId && savedNext > tracker.nextSessionId) {
            tracker.nextSessionId = savedNext;
        }
        return tracker;
    }

    private static void restoreGivenPasswords(SessionTracker tracker, JuteReader in) {
        int count = in.readInt();
        if (count < 0 || (long) count * (8 + 4 + PASSWORD_LENGTH) > in.remaining()) {
            throw new WireFormatException("bad given password count " + count);
        }
        for (int i = 0; i < count; i++) {
            long id = in.readLong();
            byte[] password = in.readBuffer();
            Session s = tracker.sessions.get(id);
            if (s == null || password == null || password.length != PASSWORD_LENGTH) {
                throw new WireFormatException("bad given password for session 0x" + Long.toHexString(id));
            }
            s.givenPassword = password;
        }
    }

    private boolean track(long id, int timeoutMs, int dueInMs) {
        Session s = sessions.get(id);
        boolean added = s == null;
        if (added) {
            s = new Session(id);
            sessions.put(id, s);
        }
        s.timeoutMs = timeoutMs;
        if (!s.closing) {
            schedule(s, dueInMs);
        }
        return added;
    }

    private void schedule(Session s, int dueInMs) {
        long deadline = clock.nowMs() + dueInMs;
        long bucket = (Math.floorDiv(deadline, tickTimeMs) + 1) * tickTimeMs;
        s.deadlineMs = deadline;
        if (bucket == s.bucketMs) {
            return;
        }
        unschedule(s);
        buckets.computeIfAbsent(bucket, b -> new LinkedHashSet<>()).add(s.id);
        s.bucketMs = bucket;
    }

    private void unschedule(Session s) {
        if (s.bucketMs == NOT_QUEUED) {
            return;
        }
        Set<Long> bucket = buckets.get(s.bucketMs);
        if (bucket != null) {
            bucket.remove(s.id);
            if (bucket.isEmpty()) {
                buckets.remove(s.bucketMs);
            }
        }
        s.bucketMs = NOT_QUEUED;
    }

    private static int remaining(Session s, long now) {
        if (s.closing) {
            return 0;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, s.deadlineMs - now));
    }

    private static void checkTimeout(int timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("session timeout must be positive: " + timeoutMs);
        }
    }

    private static Mac newMac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_ALGORITHM + " is required by every Java 17 runtime", e);
        }
    }

    /** One tracked session; mutable, owned by the tracker. */
    private static final class Session {
        final long id;
        final Set<Id> authIds = new LinkedHashSet<>();
        int timeoutMs;
        long deadlineMs;
        long bucketMs = NOT_QUEUED;
        boolean closing;
        /** Null unless the password was given (an imported session), not derived. */
        byte[] givenPassword;

        Session(long id) {
            this.id = id;
        }
    }
}
