package io.coord.bench.failover;

import io.coord.bench.target.ServerKind;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One leader kill: which member died, who leads after it, kill to first acknowledged write
 * ({@code failoverMs}, -1 when no write was acknowledged in time), writes that failed meanwhile, and
 * how long the restarted member took until the whole ensemble served again.
 */
record FailoverRun(String target, String client, int run, int killedId, int newLeaderId, double failoverMs,
                   long failedWrites, double rejoinSeconds, String killedModeAfter) {

    String logLine() {
        return String.format(Locale.ROOT, "%s/%s run %d: killed leader m%d, first write acknowledged after %s,"
                        + " new leader %s, rejoined as %s in %.1f s", target, client, run, killedId, millis(failoverMs),
                member(newLeaderId), killedModeAfter, rejoinSeconds);
    }

    static String table(List<FailoverRun> runs) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-7s %-7s %4s %7s %11s %12s %14s %10s%n",
                "target", "client", "run", "killed", "new leader", "failover ms", "failed writes", "rejoin s"));
        for (FailoverRun r : runs) {
            out.append(String.format(Locale.ROOT, "%-7s %-7s %4d %7s %11s %12s %14d %10.1f%n", r.target, r.client,
                    r.run, "m" + r.killedId, member(r.newLeaderId), r.failoverMs < 0 ? "timeout"
                            : String.format(Locale.ROOT, "%.0f", r.failoverMs), r.failedWrites, r.rejoinSeconds));
        }
        return out.toString();
    }

    /** Median and max of failover ms per target and client; timeouts are counted, not averaged in. */
    static String summary(List<FailoverRun> runs, List<ServerKind> targets, List<ClientKind> clients) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-7s %-7s %5s %10s %10s %9s%n",
                "target", "client", "runs", "median ms", "max ms", "timeouts"));
        for (ServerKind target : targets) {
            for (ClientKind client : clients) {
                List<FailoverRun> rows = runs.stream().filter(r -> r.target.equals(target.label())
                        && r.client.equals(client.label())).toList();
                if (rows.isEmpty()) {
                    continue;
                }
                double[] ok = rows.stream().mapToDouble(FailoverRun::failoverMs).filter(ms -> ms >= 0).sorted()
                        .toArray();
                out.append(String.format(Locale.ROOT, "%-7s %-7s %5d %10s %10s %9d%n", target.label(), client.label(),
                        rows.size(), ok.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f", median(ok)),
                        ok.length == 0 ? "-" : String.format(Locale.ROOT, "%.0f", ok[ok.length - 1]),
                        rows.size() - ok.length));
            }
        }
        return out.toString();
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"target\":\"%s\",\"mode\":\"failover\",\"client\":\"%s\",\"run\":%d,"
                        + "\"killedId\":%d,\"newLeaderId\":%d,\"failoverMs\":%.3f,\"failedWrites\":%d,"
                        + "\"rejoinSeconds\":%.3f,\"killedModeAfter\":\"%s\"}", target, client, run, killedId,
                newLeaderId, failoverMs, failedWrites, rejoinSeconds, killedModeAfter);
    }

    static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        double[] s = sorted.clone();
        Arrays.sort(s);
        int mid = s.length / 2;
        return s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
    }

    private static String millis(double ms) {
        return ms < 0 ? "no write (timeout)" : String.format(Locale.ROOT, "%.0f ms", ms);
    }

    private static String member(int id) {
        return id < 1 ? "?" : "m" + id;
    }
}
