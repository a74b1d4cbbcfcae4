package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 15, scenario b: zkCli's reconfig -add/-remove/-members and config against each target. */
class ZkCliReconfigTest {
    @TempDir
    Path dir;

    static Stream<ReconfigTarget> targets() {
        return ReconfigTarget.selected().stream();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void zkCliAddRemoveMembers(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            ensemble.start(4, 1, 2, 3, 4);
            ensemble.awaitAnswering(4);
            Path members = dir.resolve("members.cfg");
            java.nio.file.Files.writeString(members, ensemble.serverLine(1) + "\n" + ensemble.serverLine(2) + "\n"
                    + ensemble.serverLine(3) + "\n");
            String script = String.join("\n",
                    "config",
                    "config -c",
                    "config -s",
                    "reconfig -remove 3",
                    "addauth digest " + ReconfigEnsemble.SUPER_AUTH,
                    "reconfig -add " + ensemble.serverLine(4),
                    "reconfig -v 1 -remove 4",
                    "reconfig -s -remove 4",
                    "reconfig -members " + ensemble.serverLines(1, 2, 3),
                    "reconfig -file " + members,
                    "reconfig -members " + ensemble.serverLines(1, 6, 7),
                    "reconfig",
                    "quit", "");
            CliProcess.Run run = CliProcess.run(dir, CliProcess.ZKCLI, ensemble.connectString(1, 2, 3), script);
            System.out.println("zkCli status " + run.status() + "\n---- stdout\n" + run.out() + "\n---- stderr\n"
                    + run.err());
            assertTrue(run.out().contains("Committed new configuration:"), run.out());
            assertEquals(0, run.status());
        }
    }
}
