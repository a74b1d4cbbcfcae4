package io.coord.server.compat;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/**
 * The seeded operation generator of {@link DifferentialCompatTest}. Operations pick from a small
 * tree of names under the run's base node (so creates, deletes and watches collide often) plus the
 * sequential names servers have handed out; each runs through one session slot and renders its
 * answer with {@link DiffSide#render}.
 *
 * <p>Left out of the mix on purpose:
 * <ul>
 *   <li>Watches on nodes the watcher may not READ: both servers drop such events (CVE-2024-23944),
 *       but Coord also drops the events a reconnect's setWatches fires, which ZooKeeper 3.9.5
 *       sends unfiltered. A seed either grants world READ in every ACL and uses watches, or
 *       restricts READ and sets no watches ({@link #readRestricted}).</li>
 *   <li>Quotas and SASL (op 102) are not generated either.</li>
 * </ul>
 */
final class DiffOps {

    /** An operation: a description for the report, and what it does through one server. */
    interface Action {
        String run(DiffSide side) throws Exception;
    }

    record DiffOp(String description, Action action, Runnable afterReference) { }

    static final int SLOTS = 3;
    private static final String[] NAMES = {"a", "b", "c"};
    private static final long LONG_TTL_MS = 3_600_000;
    /** A TTL so short the node is gone (reaped) before the next operation unless it got a child. */
    private static final long TINY_TTL_MS = 1;
    private static final Pattern CREATED = Pattern.compile("create(?:d)? (/[^\\s,\\]]+)");

    private final Random random;
    private final String base;
    final boolean readRestricted;
    private final List<String> learned = new ArrayList<>();
    /** Paths the servers reap on their own (containers, tiny-TTL nodes), for the quiescence wait. */
    final Set<String> containers = new HashSet<>();
    final Set<String> tinyTtls = new HashSet<>();
    private String lastReferenceAnswer = "";

    DiffOps(long seed, String base) {
        this.random = new Random(seed);
        this.base = base;
        this.readRestricted = Math.floorMod(seed, 3) == 2;
    }

    /** The reference server's answer to the last operation, for learning sequential names. */
    void referenceAnswered(String answer) {
        lastReferenceAnswer = answer;
    }

    DiffOp next() {
        int slot = random.nextInt(SLOTS);
        int roll = random.nextInt(100);
        boolean watches = !readRestricted;
        if (roll < 22) {
            return create(slot);
        } else if (roll < 31) {
            return delete(slot);
        } else if (roll < 40) {
            return setData(slot);
        } else if (roll < 47) {
            return getData(slot, watches && random.nextBoolean());
        } else if (roll < 54) {
            return exists(slot, watches && random.nextBoolean());
        } else if (roll < 61) {
            return getChildren(slot, watches && random.nextBoolean());
        } else if (roll < 67) {
            return multi(slot);
        } else if (roll < 70) {
            return multiRead(slot);
        } else if (roll < 73) {
            return getAcl(slot);
        } else if (roll < 76) {
            return setAcl(slot);
        } else if (roll < 79) {
            return addAuth(slot);
        } else if (roll < 87 && watches) {
            return roll < 83 ? addWatch(slot) : removeWatches(slot);
        } else if (roll < 90) {
            return getEphemerals(slot);
        } else if (roll < 93) {
            return allChildrenNumber(slot);
        } else if (roll < 95) {
            return whoAmI(slot);
        } else if (roll < 97) {
            return sync(slot);
        } else if (roll < 99) {
            return new DiffOp("s" + slot + " close session and open a new one",
                    side -> "reopened as " + side.closeAndReopen(slot), null);
        }
        // ZooKeeper keeps auth per connection, so a session reattached through a new connection
        // has none; Coord kept the old connection's identities until this test found it.
        return new DiffOp("s" + slot + " drop connection and reattach to the session", side -> {
            side.reattach(slot);
            return "reattached";
        }, null);
    }

    private String path() {
        int roll = random.nextInt(100);
        if (roll < 3) {
            return base;
        }
        if (roll < 25 && !learned.isEmpty()) {
            return learned.get(random.nextInt(learned.size()));
        }
        StringBuilder p = new StringBuilder(base);
        int depth = 1 + random.nextInt(3);
        for (int i = 0; i < depth; i++) {
            p.append('/').append(NAMES[random.nextInt(NAMES.length)]);
        }
        return p.toString();
    }

    /**
     * Where a create goes: a sequential create on the base node itself names a child of the root,
     * whose counter counts other seeds' and the target's own set-up nodes, so it becomes
     * "base/" + counter (a child of base) instead.
     */
    private String createPath(CreateMode mode) {
        String path = path();
        return mode.isSequential() && path.equals(base) ? base + "/" : path;
    }

    private byte[] data() {
        return ("v" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8);
    }

    private int version() {
        return random.nextInt(2) == 0 ? -1 : random.nextInt(3);
    }

    private CreateMode mode() {
        int roll = random.nextInt(19);
        if (roll < 6) {
            return CreateMode.PERSISTENT;
        } else if (roll < 9) {
            return CreateMode.EPHEMERAL;
        } else if (roll < 11) {
            return CreateMode.PERSISTENT_SEQUENTIAL;
        } else if (roll < 13) {
            return CreateMode.EPHEMERAL_SEQUENTIAL;
        } else if (roll < 16) {
            return CreateMode.CONTAINER;
        } else if (roll < 18) {
            return CreateMode.PERSISTENT_WITH_TTL;
        }
        return CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
    }

    private long ttl(CreateMode mode) {
        if (!mode.isTTL()) {
            return -1;
        }
        return random.nextInt(4) == 0 ? TINY_TTL_MS : LONG_TTL_MS;
    }

    /** Remembers what a successful create (alone or in a multi) made, from the reference's answer. */
    private Runnable learnCreates(List<CreateMode> modes, List<Long> ttls) {
        return () -> {
            Matcher m = CREATED.matcher(lastReferenceAnswer);
            int i = 0;
            while (m.find() && i < modes.size()) {
                String created = m.group(1);
                CreateMode mode = modes.get(i);
                long ttl = ttls.get(i);
                i++;
                if (mode.isSequential() && !learned.contains(created)) {
                    learned.add(created);
                    if (learned.size() > 40) {
                        learned.remove(0);
                    }
                }
                containers.remove(created);
                tinyTtls.remove(created);
                if (mode.isContainer()) {
                    containers.add(created);
                } else if (mode.isTTL() && ttl == TINY_TTL_MS) {
                    tinyTtls.add(created);
                }
            }
        };
    }

    private DiffOp create(int slot) {
        CreateMode mode = mode();
        String path = createPath(mode);
        byte[] data = data();
        long ttl = ttl(mode);
        List<ACL> acl = acl(reapable(mode));
        String what = "s" + slot + " create " + path + " " + mode + (ttl > 0 ? " ttl=" + ttl : "")
                + " acl=" + describe(acl);
        return new DiffOp(what, side -> {
            Stat stat = new Stat();
            try {
                String name = side.client(slot).create(path, data, acl, mode, stat, ttl);
                return side.render("created " + name, stat);
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, learnCreates(List.of(mode), List.of(ttl)));
    }

    private DiffOp delete(int slot) {
        String path = path();
        int version = version();
        return new DiffOp("s" + slot + " delete " + path + " v=" + version, side -> {
            try {
                side.client(slot).delete(path, version);
                return "deleted";
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp setData(int slot) {
        String path = path();
        byte[] data = data();
        int version = version();
        return new DiffOp("s" + slot + " setData " + path + " v=" + version, side -> {
            try {
                return side.render(side.client(slot).setData(path, data, version));
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp getData(int slot, boolean watch) {
        String path = path();
        return new DiffOp("s" + slot + " getData " + path + (watch ? " watch" : ""), side -> {
            Stat stat = new Stat();
            try {
                byte[] data = side.client(slot).getData(path, watch ? side.watcher(slot) : null, stat);
                return side.render(data, stat);
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp exists(int slot, boolean watch) {
        String path = path();
        return new DiffOp("s" + slot + " exists " + path + (watch ? " watch" : ""), side -> {
            try {
                return side.render(side.client(slot).exists(path, watch ? side.watcher(slot) : null));
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp getChildren(int slot, boolean watch) {
        String path = path();
        boolean withStat = random.nextBoolean();
        return new DiffOp("s" + slot + " getChildren " + path + (watch ? " watch" : "")
                + (withStat ? " stat" : ""), side -> {
            ZooKeeper zk = side.client(slot);
            try {
                if (withStat) {
                    Stat stat = new Stat();
                    List<String> kids = zk.getChildren(path, watch ? side.watcher(slot) : null, stat);
                    return side.render(DiffSide.sorted(kids), stat);
                }
                return side.render(DiffSide.sorted(zk.getChildren(path, watch ? side.watcher(slot) : null)));
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp multi(int slot) {
        int count = 1 + random.nextInt(4);
        List<Op> ops = new ArrayList<>();
        List<CreateMode> modes = new ArrayList<>();
        List<Long> ttls = new ArrayList<>();
        StringBuilder what = new StringBuilder("s" + slot + " multi");
        for (int i = 0; i < count; i++) {
            int roll = random.nextInt(4);
            String path = roll == 0 ? null : path();
            if (roll == 0) {
                CreateMode mode = mode();
                path = createPath(mode);
                long ttl = ttl(mode);
                List<ACL> acl = acl(reapable(mode));
                ops.add(mode.isTTL() ? Op.create(path, data(), acl, mode, ttl) : Op.create(path, data(), acl, mode));
                modes.add(mode);
                ttls.add(ttl);
                what.append(" [create ").append(path).append(' ').append(mode).append(ttl > 0 ? " ttl=" + ttl : "")
                        .append(" acl=").append(describe(acl)).append(']');
            } else if (roll == 1) {
                int v = version();
                ops.add(Op.delete(path, v));
                what.append(" [delete ").append(path).append(" v=").append(v).append(']');
            } else if (roll == 2) {
                int v = version();
                ops.add(Op.setData(path, data(), v));
                what.append(" [setData ").append(path).append(" v=").append(v).append(']');
            } else {
                int v = version();
                ops.add(Op.check(path, v));
                what.append(" [check ").append(path).append(" v=").append(v).append(']');
            }
        }
        return new DiffOp(what.toString(), side -> {
            try {
                return side.render("ok", side.client(slot).multi(ops));
            } catch (KeeperException e) {
                return side.render(e, e.getResults());
            }
        }, learnCreates(modes, ttls));
    }

    private DiffOp multiRead(int slot) {
        int count = 1 + random.nextInt(3);
        List<Op> ops = new ArrayList<>();
        StringBuilder what = new StringBuilder("s" + slot + " multiRead");
        for (int i = 0; i < count; i++) {
            String path = path();
            boolean data = random.nextBoolean();
            ops.add(data ? Op.getData(path) : Op.getChildren(path));
            what.append(data ? " [getData " : " [getChildren ").append(path).append(']');
        }
        return new DiffOp(what.toString(), side -> {
            try {
                return side.render("ok", side.client(slot).multi(ops));
            } catch (KeeperException e) {
                return side.render(e, e.getResults());
            }
        }, null);
    }

    private DiffOp getAcl(int slot) {
        String path = path();
        return new DiffOp("s" + slot + " getACL " + path, side -> {
            Stat stat = new Stat();
            try {
                List<ACL> acl = side.client(slot).getACL(path, stat);
                return side.render(acl, stat);
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp setAcl(int slot) {
        String path = path();
        List<ACL> acl = acl(containers.contains(path) || tinyTtls.contains(path));
        int version = version();
        return new DiffOp("s" + slot + " setACL " + path + " v=" + version + " acl=" + describe(acl), side -> {
            try {
                return side.render(side.client(slot).setACL(path, acl, version));
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp addAuth(int slot) {
        int user = random.nextInt(3);
        boolean right = random.nextInt(4) != 0;
        String credential = "u" + user + ":" + (right ? "p" + user : "wrong");
        return new DiffOp("s" + slot + " addAuthInfo digest " + credential, side -> {
            side.client(slot).addAuthInfo("digest", credential.getBytes(StandardCharsets.UTF_8));
            return "added";
        }, null);
    }

    private DiffOp addWatch(int slot) {
        String path = path();
        AddWatchMode mode = random.nextBoolean() ? AddWatchMode.PERSISTENT : AddWatchMode.PERSISTENT_RECURSIVE;
        return new DiffOp("s" + slot + " addWatch " + path + " " + mode, side -> {
            try {
                side.client(slot).addWatch(path, side.watcher(slot), mode);
                return "added";
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp removeWatches(int slot) {
        String path = path();
        WatcherType type = WatcherType.values()[random.nextInt(WatcherType.values().length)];
        boolean all = random.nextInt(3) == 0;
        return new DiffOp("s" + slot + (all ? " removeAllWatches " : " removeWatches ") + path + " " + type,
                side -> {
                    try {
                        if (all) {
                            side.client(slot).removeAllWatches(path, type, false);
                        } else {
                            side.client(slot).removeWatches(path, side.watcher(slot), type, false);
                        }
                        return "removed";
                    } catch (KeeperException e) {
                        return side.render(e);
                    }
                }, null);
    }

    private DiffOp getEphemerals(int slot) {
        boolean prefixed = random.nextBoolean();
        String prefix = prefixed ? path() : "/";
        return new DiffOp("s" + slot + " getEphemerals " + prefix, side -> {
            try {
                ZooKeeper zk = side.client(slot);
                return side.render(DiffSide.sorted(prefixed ? zk.getEphemerals(prefix) : zk.getEphemerals()));
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp allChildrenNumber(int slot) {
        String path = path();
        return new DiffOp("s" + slot + " getAllChildrenNumber " + path, side -> {
            try {
                return "number=" + side.client(slot).getAllChildrenNumber(path);
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    private DiffOp whoAmI(int slot) {
        return new DiffOp("s" + slot + " whoAmI", side -> {
            List<String> who = new ArrayList<>();
            side.client(slot).whoAmI().forEach(c -> who.add(c.getAuthScheme() + ":" + c.getUser()));
            return side.render(DiffSide.sorted(who));
        }, null);
    }

    private DiffOp sync(int slot) {
        String path = path();
        return new DiffOp("s" + slot + " sync " + path, side -> {
            try {
                side.client(slot).sync(path);
                return "synced";
            } catch (KeeperException e) {
                return side.render(e);
            }
        }, null);
    }

    /**
     * The quiescence wait reads the stat of containers and TTL nodes through an unauthenticated
     * observer session, and ZooKeeper's exists needs READ: such nodes always grant world READ.
     */
    private static boolean reapable(CreateMode mode) {
        return mode.isContainer() || mode.isTTL();
    }

    private List<ACL> acl(boolean worldReadable) {
        int user = random.nextInt(3);
        int other = (user + 1) % 3;
        List<ACL> acl = new ArrayList<>();
        switch (random.nextInt(10)) {
            case 0, 1 -> acl.addAll(Ids.OPEN_ACL_UNSAFE);
            case 2 -> acl.addAll(Ids.READ_ACL_UNSAFE);
            case 3 -> acl.add(new ACL(Perms.ALL, digest(user)));
            case 4 -> {
                acl.add(new ACL(perms(), digest(user)));
                acl.add(new ACL(perms(), Ids.ANYONE_ID_UNSAFE));
            }
            case 5 -> {
                acl.add(new ACL(Perms.ALL, digest(user)));
                acl.add(new ACL(Perms.READ | Perms.WRITE, digest(other)));
            }
            case 6 -> acl.add(new ACL(perms(), new Id("ip", "127.0.0.1")));
            case 7 -> acl.add(new ACL(Perms.ALL, new Id("digest", "no-colon")));
            // CREATOR_ALL_ACL: the id is ignored (kazoo sends it null); INVALIDACL without auth.
            case 8 -> acl.add(new ACL(Perms.ALL, Ids.AUTH_IDS));
            default -> acl.add(new ACL(perms(), Ids.ANYONE_ID_UNSAFE));
        }
        if ((worldReadable || !readRestricted) && acl.stream().noneMatch(a -> isWorldRead(a))) {
            acl.add(new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
        }
        return acl;
    }

    static String describe(List<ACL> acl) {
        List<String> parts = new ArrayList<>();
        acl.forEach(a -> parts.add(a.getPerms() + ":" + a.getId().getScheme() + ":" + a.getId().getId()));
        return parts.toString();
    }

    private static boolean isWorldRead(ACL a) {
        return a.getId().equals(Ids.ANYONE_ID_UNSAFE) && (a.getPerms() & Perms.READ) != 0;
    }

    private int perms() {
        return 1 + random.nextInt(Perms.ALL);
    }

    private static Id digest(int user) {
        try {
            return new Id("digest", DigestAuthenticationProvider.generateDigest("u" + user + ":p" + user));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
