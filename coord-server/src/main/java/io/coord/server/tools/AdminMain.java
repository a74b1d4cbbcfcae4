package io.coord.server.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/coord-admin}: offline tools on data directories (the server need not run, and must
 * not run on a directory being imported into; backup, dumps, verify, digest and compare only read
 * and may run beside it), and online backup/restore through a running server's AdminServer
 * ({@link OnlineBackup}). Exit status: 0 done, 1 the input is damaged or the
 * check failed, 2 usage error.
 */
public final class AdminMain {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = String.join("\n",
            "usage: coord-admin COMMAND [options]",
            "  import-zookeeper --from ZK_DATADIR [--from-log ZK_DATALOGDIR] [--to COORD_DATADIR] [--allow-torn-tail]",
            "                   [--ensemble-member]",
            "      convert a stopped ZooKeeper's data (newest snapshot + the txn logs after it) into a Coord",
            "      data directory (default: ZK_DATADIR itself; ZooKeeper's files are left as they are);",
            "      --ensemble-member writes it for a member of a Coord ensemble",
            "  export-zookeeper --from COORD_DATADIR --to ZK_DATADIR",
            "      write the state Coord would recover as a ZooKeeper snapshot (ZK_DATADIR/version-2), the way back",
            "  log dump DATADIR [--from ZXID] [--json]       print every txn of Coord's log",
            "  snapshot dump DATADIR [--json]                print the newest valid snapshot's nodes and sessions",
            "  verify DATADIR                                check every checksum, log continuity and that the",
            "                                                log continues the snapshot; exit 1 if not",
            "  digest DATADIR                                the tree digest and last zxid, as the `hash` word",
            "  compare DATADIR_A DATADIR_B                   the two recovered states node by node (data, Stat, ACL)",
            "                                                and session by session; exit 1 if they differ",
            "  backup DATADIR --to DIR [--log-dir DATALOGDIR]  a verified copy, safe while a server runs on DATADIR;",
            "                                                restore: stop the server, put DIR in DATADIR's place",
            "  backup --server HOST:ADMINPORT --to FILE [--auth digest:USER:PASSWORD] [--command-url /commands]",
            "      online: a snapshot of the running server through its AdminServer, verified (CRCs, tree) into FILE",
            "  restore --server HOST:ADMINPORT --from FILE [--auth digest:USER:PASSWORD] [--command-url /commands]",
            "      online: a standalone server verifies FILE (an online backup) and serves it as its whole state");

    private AdminMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        try {
            Args a = new Args(args);
            String command = a.next();
            return switch (command) {
                case "import-zookeeper" -> importZooKeeper(a, out);
                case "export-zookeeper" -> exportZooKeeper(a, out);
                case "log", "snapshot" -> {
                    String sub = a.next();
                    if (!sub.equals("dump")) {
                        throw new UsageException("unknown command: " + command + " " + sub);
                    }
                    yield command.equals("log") ? DataDump.logDump(a, out) : DataDump.snapshotDump(a, out);
                }
                case "verify" -> DataDump.verify(a, out);
                case "digest" -> DataDump.digest(a, out);
                case "compare" -> DataCompare.compare(a, out);
                case "backup" -> a.has("--server") ? OnlineBackup.backup(a, out) : DataBackup.backup(a, out);
                case "restore" -> OnlineBackup.restore(a, out);
                default -> throw new UsageException("unknown command: " + command);
            };
        } catch (UsageException e) {
            err.println("coord-admin: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        } catch (IOException | RuntimeException e) {
            err.println("coord-admin: " + e.getMessage());
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("coord-admin: interrupted");
            return FAILED;
        }
    }

    private static int importZooKeeper(Args a, PrintStream out) throws IOException {
        Path from = null;
        Path fromLog = null;
        Path to = null;
        boolean allowTorn = false;
        boolean ensemble = false;
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            switch (opt) {
                case "--from" -> from = Path.of(a.value(opt));
                case "--from-log" -> fromLog = Path.of(a.value(opt));
                case "--to" -> to = Path.of(a.value(opt));
                case "--allow-torn-tail" -> allowTorn = true;
                case "--ensemble-member" -> ensemble = true;
                default -> throw new UsageException("unknown option for import-zookeeper: " + opt);
            }
        }
        if (from == null) {
            throw new UsageException("import-zookeeper needs --from ZK_DATADIR");
        }
        Path target = to == null ? from : to;
        ZooKeeperImport importer = new ZooKeeperImport(from, fromLog == null ? from : fromLog, allowTorn, out);
        ZooKeeperImport.Result r = (ensemble ? importer.forEnsembleMember() : importer).run(target);
        out.printf("imported %d nodes and %d sessions at zxid 0x%x into %s (digest %d)%n", r.nodeCount(),
                r.sessionCount(), r.zxid(), target, r.digest());
        return OK;
    }

    private static int exportZooKeeper(Args a, PrintStream out) throws IOException {
        Path from = null;
        Path to = null;
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            switch (opt) {
                case "--from" -> from = Path.of(a.value(opt));
                case "--to" -> to = Path.of(a.value(opt));
                default -> throw new UsageException("unknown option for export-zookeeper: " + opt);
            }
        }
        if (from == null || to == null) {
            throw new UsageException("export-zookeeper needs --from COORD_DATADIR and --to ZK_DATADIR");
        }
        if (!Files.isDirectory(from.resolve("version-1"))) {
            throw new IOException("no Coord data in " + from + " (no version-1 directory)");
        }
        ZooKeeperExport.export(from, to, out);
        return OK;
    }

    /** A bad command line (exit status 2). */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The command line as a queue of words. */
    static final class Args {
        private final List<String> words;
        private int next;

        Args(String[] args) {
            this.words = new ArrayList<>(List.of(args));
        }

        String next() {
            String w = nextOrNull();
            if (w == null) {
                throw new UsageException("missing argument");
            }
            return w;
        }

        /** True when {@code word} is among the words not read yet. */
        boolean has(String word) {
            return words.subList(next, words.size()).contains(word);
        }

        String nextOrNull() {
            return next < words.size() ? words.get(next++) : null;
        }

        String value(String option) {
            String v = nextOrNull();
            if (v == null) {
                throw new UsageException(option + " needs a value");
            }
            return v;
        }
    }
}
