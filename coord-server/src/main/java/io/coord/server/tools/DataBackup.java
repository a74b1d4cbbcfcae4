package io.coord.server.tools;

import io.coord.server.storage.SnapshotStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code coord-admin backup DATADIR --to DIR [--log-dir DATALOGDIR]}: a copy of a data directory
 * that is safe to take while a server runs on it, verified before it is called a backup.
 *
 * <p>Why it is safe: snapshot files are immutable once listed in the manifest, and the log is only
 * appended to. So the manifest is copied first, then every snapshot it lists, then the log segments,
 * then the small files (session secret, myid, epochs). What can race is the server writing a new
 * snapshot and purging old files meanwhile: a listed file that vanished, or a copy whose manifest
 * does not match its files, fails verification and the whole copy is taken again. The copied log
 * may end in a torn record (it was being appended): verify notes it, and a server started on the
 * backup cuts it, as after a crash. The backup is the state at some zxid the copy reports.
 *
 * <p>Restore: stop the server, move its dataDir aside, put the backup in its place, start it. On
 * an ensemble, restore one member and let the others sync from it, or restore the same backup on
 * every member while all are stopped.
 */
final class DataBackup {
    static final int MAX_ATTEMPTS = 5;

    private DataBackup() {
    }

    static int backup(AdminMain.Args a, PrintStream out) throws IOException {
        Path from = DataDump.dataDir(a.next());
        Path to = null;
        Path logDir = from;
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            switch (opt) {
                case "--to" -> to = Path.of(a.value(opt));
                case "--log-dir" -> logDir = Path.of(a.value(opt));
                default -> throw new AdminMain.UsageException("unknown option for backup: " + opt);
            }
        }
        if (to == null) {
            throw new AdminMain.UsageException("backup needs --to DIR (a new or empty directory)");
        }
        refuseNonEmpty(to);
        String lastProblem = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            clear(to);
            try {
                copyOnce(from, logDir, to);
            } catch (NoSuchFileException e) {
                lastProblem = "a file vanished while it was copied (a snapshot was taken and old files purged): "
                        + e.getFile();
                out.println("attempt " + attempt + ": " + lastProblem + "; copying again");
                continue;
            }
            lastProblem = verify(to);
            if (lastProblem == null) {
                DataDump.State s = DataDump.load(to);
                s.tailNotes().forEach(n -> out.println("note: " + n));
                out.printf("backup of %s in %s: last zxid 0x%x, %d nodes, %d sessions; verified%n", from, to,
                        s.lastZxid(), s.tree().nodeCount(), s.sessionTimeoutsMs().size());
                return AdminMain.OK;
            }
            out.println("attempt " + attempt + ": the copy does not verify (" + lastProblem + "); copying again");
        }
        out.println("FAILED: no consistent copy in " + MAX_ATTEMPTS + " attempts: " + lastProblem);
        return AdminMain.FAILED;
    }

    private static void copyOnce(Path from, Path logDir, Path to) throws IOException {
        Path fromData = from.resolve("version-1");
        Path toData = Files.createDirectories(to.resolve("version-1"));
        SnapshotStore.Listing listing = new SnapshotStore(from).listing();
        if (listing.manifest() != null) {
            Files.write(toData.resolve(listing.manifestFileName()), listing.manifest());
        }
        for (String name : listing.snapshotFileNames()) {
            Files.copy(fromData.resolve(name), toData.resolve(name));
        }
        for (Path segment : logSegments(logDir.resolve("version-1"))) {
            Files.copy(segment, toData.resolve(segment.getFileName()));
        }
        try (DirectoryStream<Path> top = Files.newDirectoryStream(from, Files::isRegularFile)) {
            for (Path file : top) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static List<Path> logSegments(Path dir) throws IOException {
        List<Path> segments = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "log.*")) {
                s.forEach(segments::add);
            }
        }
        segments.sort(null);
        return segments;
    }

    /** Null when the copy is whole: every listed snapshot checks out and the log continues it. */
    private static String verify(Path to) {
        try {
            for (Map.Entry<String, String> e : new SnapshotStore(to).checkAll().entrySet()) {
                if (e.getValue() != null) {
                    return "snapshot " + e.getKey() + ": " + e.getValue();
                }
            }
            DataDump.load(to);
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    private static void refuseNonEmpty(Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> entries = Files.list(to)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("backup target " + to + " is not empty: a backup never overwrites");
                }
            }
        }
    }

    /** Empties the target between attempts (it was empty or new before the first). */
    private static void clear(Path to) throws IOException {
        if (!Files.exists(to)) {
            Files.createDirectories(to);
            return;
        }
        try (Stream<Path> walk = Files.walk(to)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (!p.equals(to)) {
                    Files.delete(p);
                }
            }
        }
    }
}
