package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, scenario b and coord-cli's twin: one script of {@code config}, {@code config -c/-s} and
 * {@code reconfig -add/-remove/-members/-file/-v/-s} (refusals included) run by zkCli (adding member 4)
 * and then by coord-cli (adding member 5) on one ensemble; both print the same, once versions, times
 * and the joiner's own line are normalised.
 */
class ZkCliReconfigTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void coordCliPrintsWhatZkCliPrints(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            ensemble.startJoiners(4, 5);
            Path members = dir.resolve("members.cfg");
            Files.writeString(members, String.join("\n", ensemble.serverLine(1), ensemble.serverLine(2),
                    ensemble.serverLine(3), "version=1", ""));
            String hosts = ensemble.connectString(1, 2, 3);

            CliProcess.Run zk = CliProcess.run(dir, CliProcess.ZKCLI, hosts, script(ensemble, 4, members));
            System.out.println(target + " zkCli status " + zk.status() + "\n" + zk.out() + "\n---- stderr\n" + zk.err());
            List<String> zkOut = normalise(zk.out(), ensemble.serverLine(4));
            assertEquals(4, zkOut.stream().filter("Committed new configuration:"::equals).count(), zk.out());
            assertTrue(zk.err().contains("Insufficient permission"), zk.err());
            assertTrue(zk.err().contains("version No is not valid"), zk.err());
            assertTrue(zk.err().contains("No quorum of new config is connected"), zk.err());

            CliProcess.Run coord = CliProcess.run(dir, CliProcess.COORD_CLI, hosts, script(ensemble, 5, members));
            System.out.println(target + " coord-cli status " + coord.status() + "\n" + coord.out() + "\n---- stderr\n"
                    + coord.err());
            assertEquals(zkOut, normalise(coord.out(), ensemble.serverLine(5)), "coord-cli's stdout is zkCli's");
            assertTrue(coord.err().contains("Insufficient permission"), coord.err());
            assertTrue(coord.err().contains("Version does not match"), coord.err());
            assertTrue(coord.err().contains("No quorum of new config is connected"), coord.err());
            assertEquals(1, coord.status(), "a script with failed commands exits 1");
        }
    }

    /** The same commands for either shell; {@code joiner} is added, then removed again. */
    private static String script(ReconfigEnsemble ensemble, int joiner, Path members) {
        return String.join("\n",
                "config",
                "config -c",
                "config -s",
                "reconfig -remove 3",
                "addauth digest " + ReconfigEnsemble.SUPER_AUTH,
                "reconfig -add " + ensemble.serverLine(joiner),
                "reconfig -v 1 -remove " + joiner,
                "reconfig -s -remove " + joiner,
                "reconfig -members " + ensemble.serverLines(1, 2, 3),
                "reconfig -file " + members,
                "reconfig -members " + ensemble.serverLines(1, 6, 7),
                "quit", "");
    }

    /**
     * stdout without zkCli's banner, prompts and connection events; versions, zxids and mtimes as V/T,
     * the joiner's line as JOINER, and {@code config -c}'s addresses sorted (zkCli's come from a hash set).
     */
    static List<String> normalise(String out, String joinerLine) {
        return Arrays.stream(out.replaceAll("\\[zk: [^\\]]*\\] ", "\n").split("\n"))
                .filter(l -> !l.isBlank() && !l.startsWith("Connecting to ") && !l.startsWith("Welcome to ")
                        && !l.startsWith("JLine support") && !l.startsWith("WATCHER::")
                        && !l.startsWith("WatchedEvent"))
                .map(l -> l.replace(joinerLine, "JOINER"))
                .map(l -> l.replaceAll("^version=[0-9a-f]+$", "version=V"))
                .map(l -> l.replaceAll("^mZxid = 0x[0-9a-f]+$", "mZxid = 0xV"))
                .map(l -> l.replaceAll("^mtime = .*$", "mtime = T"))
                .map(ZkCliReconfigTest::sortedClientConfig)
                .collect(Collectors.toList());
    }

    private static String sortedClientConfig(String line) {
        if (!line.matches("^[0-9a-f]+ [0-9.]+:\\d+(,[0-9.]+:\\d+)*$")) {
            return line;
        }
        return "V " + new TreeSet<>(Arrays.asList(line.substring(line.indexOf(' ') + 1).split(",")));
    }
}
