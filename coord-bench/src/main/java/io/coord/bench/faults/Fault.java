package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One planned fault of a schedule: what, when (ms after the workload started), for how long, and a
 * seeded choice the nemesis turns into members when it strikes ({@code pick}: which member, or
 * which split, counted among the members then; {@code onLeader}: aim at whoever leads then).
 * {@code with}: a second fault applied at the same time and healed with this one (null: none).
 */
record Fault(Type type, long atMs, long durationMs, boolean onLeader, int pick, double share, int kbit, Fault with) {
    enum Type {
        /** The leader (or a member) cut from every other member, both ways; clients still reach it. */
        ISOLATE("partition"),
        /** A random majority/minority split, both ways. */
        HALVES("partition"),
        /** Two sides that cannot talk, and one member that talks to both. */
        BRIDGE("partition"),
        /** One member's packets to the others dropped; theirs to it still arrive. */
        ONE_WAY("partition"),
        /** A member cut from the clients only. */
        CLIENTS("partition"),
        /** A share of one member's packets to the others dropped. */
        LOSS("net"),
        /** A share of one member's packets sent through a slow queue: late and out of order. */
        REORDER("net"),
        /** One member's links to the others limited to a few hundred kbit/s. */
        SLOW("net"),
        /** kill -9, restarted when the fault ends. */
        KILL("kill"),
        /** SIGSTOP, SIGCONT when the fault ends. */
        PAUSE("pause"),
        /** The member's dataDir (a tmpfs) filled up; freed when the fault ends (a member that exited is restarted). */
        DISK("disk"),
        /** The member's fsyncs take {@link Fault#slowDiskMs} (50–500 ms) longer; normal when the fault ends. */
        SLOWDISK("slowdisk"),
        /** What one member sends to the others held {@link Fault#delayMs} (50–500 ms) ± {@link Fault#jitterMs}. */
        DELAY("netdelay"),
        /** {@link Fault#duplicatePercent} (10–50 %) of what one member sends to the others sent twice. */
        DUPLICATE("netdelay");

        final String group;

        Type(String group) {
            this.group = group;
        }
    }

    /**
     * A slow-disk fault's fsync delay, 50–500 ms, from the seeded pick (so that this type costs the
     * schedule no extra random draw: adding it left every other nemesis list's schedules as they were).
     */
    long slowDiskMs() {
        return 50 + (pick >>> 10) % 451;
    }

    /** A delay fault's fixed delay, 50–500 ms, from the seeded pick (as {@link #slowDiskMs}: no extra draw). */
    long delayMs() {
        return slowDiskMs();
    }

    /** A delay fault's jitter: 0–50 % of its delay, from other bits of the pick (2–9; the delay's are 10 and up). */
    long jitterMs() {
        return delayMs() * (((pick >>> 2) & 0xff) % 51) / 100;
    }

    /** A duplicate fault's share of packets sent twice, 10–50 %, from the pick. */
    int duplicatePercent() {
        return 10 + (pick >>> 10) % 41;
    }

    /**
     * The fault types of the named groups: partition, net (or netem), kill, pause, disk, slowdisk,
     * netdelay, or single type names. The groups added later (slowdisk, netdelay) are their own so
     * that the older groups' schedules stay what they were for every seed.
     */
    static List<Type> types(List<String> names) {
        List<Type> types = new ArrayList<>();
        for (String name : names) {
            String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            String group = n.equals("netem") ? "net" : n;
            boolean found = false;
            for (Type t : Type.values()) {
                if (t.group.equals(group) || t.name().toLowerCase(Locale.ROOT).equals(n)) {
                    if (!types.contains(t)) {
                        types.add(t);
                    }
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("unknown nemesis '" + name
                        + "' (partition, net, kill, pause, disk, slowdisk, netdelay, or one of " + List.of(Type.values()) + ")");
            }
        }
        return types;
    }

    /**
     * A schedule for {@code durationMs}: one fault at a time, each 2–8 s, with 2–5 s of calm between
     * (and 3 s before the first); the last one ends before the run does. One fault in three comes
     * with a second one of another type, applied and healed together (e.g. a partition while a
     * member is paused).
     */
    static List<Fault> schedule(long seed, long durationMs, List<Type> types) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>();
        long at = 3_000;
        while (!types.isEmpty()) {
            Type type = types.get(random.nextInt(types.size()));
            long duration = 2_000 + random.nextInt(6_000);
            if (at + duration > durationMs - 1_000) {
                break;
            }
            Fault with = null;
            if (types.size() > 1 && random.nextInt(3) == 0) {
                Type second = types.get(random.nextInt(types.size()));
                if (second != type) {
                    with = random(second, at, duration, random, null);
                }
            }
            faults.add(random(type, at, duration, random, with));
            at += duration + 2_000 + random.nextInt(3_000);
        }
        return faults;
    }

    private static Fault random(Type type, long at, long duration, SplittableRandom random, Fault with) {
        boolean onLeader = random.nextInt(3) > 0;
        return new Fault(type, at, duration, onLeader, random.nextInt(1 << 20), 0.2 + random.nextInt(60) / 100.0,
                100 + random.nextInt(400), with);
    }

    /** The fault without its times: type, aim and parameters. */
    String what() {
        String extra = switch (type) {
            case LOSS, REORDER -> String.format(Locale.ROOT, " share %.2f", share);
            case SLOW -> " " + kbit + " kbit/s";
            case SLOWDISK -> " +" + slowDiskMs() + " ms per fsync";
            case DELAY -> " " + delayMs() + " ms ± " + jitterMs() + " ms";
            case DUPLICATE -> " " + duplicatePercent() + "% twice";
            default -> "";
        };
        return type.name().toLowerCase(Locale.ROOT) + (onLeader ? " (on the leader)" : "") + extra;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%7.1f s +%4.1f s  %s%s", atMs / 1000.0, durationMs / 1000.0, what(),
                with == null ? "" : " + " + with.what());
    }
}
