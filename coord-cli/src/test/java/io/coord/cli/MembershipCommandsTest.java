package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.cli.MembershipCommands.ReconfigArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reconfig's and config -c's parsing, as zkCli reads them (the process-level runs are in io.coord.cli.reconfig). */
class MembershipCommandsTest {
    @TempDir
    Path dir;

    @Test
    void reconfigWordsAsZkCliReadsThem() throws Exception {
        assertEquals(new ReconfigArgs("server.4=h:1:2;3", "5,6", null, 0x100000002L, true),
                ReconfigArgs.parse(List.of("-s", "-add", "server.4=h:1:2;3", "-remove", "5,6", "-v", "100000002")));
        assertEquals(new ReconfigArgs(null, null, "server.1=h:1:2;3", -1, false),
                ReconfigArgs.parse(List.of("-members", "server.1=h:1:2;3")));
        Path file = dir.resolve("dyn.cfg");
        Files.writeString(file, "server.10=h:7:8;9\nserver.2=h:4:5:participant;h:6\nversion=100000003\n");
        assertEquals("server.2=h:4:5:participant;h:6,server.10=h:7:8;9",
                ReconfigArgs.parse(List.of("-file", file.toString())).members());
        for (List<String> bad : List.<List<String>>of(List.of(), List.of("-add", "x", "-members", "y"),
                List.of("-file", "f", "-members", "y"), List.of("-v", "zz", "-remove", "1"), List.of("-remove"),
                List.of("-x", "1"))) {
            UsageException e = assertThrows(UsageException.class, () -> ReconfigArgs.parse(bad), bad.toString());
            assertTrue(e.getMessage().contains("usage: reconfig"), e.getMessage());
        }
        assertThrows(CliFailure.class, () -> ReconfigArgs.parse(List.of("-file", dir.resolve("none").toString())));
    }

    @Test
    void clientConfigIsVersionAndClientAddresses() {
        assertEquals("100000002 127.0.0.1:2181,0.0.0.0:2182",
                MembershipCommands.clientConfig("server.2=h:1:2:participant;2182\n"
                        + "server.1=h:3:4:participant;127.0.0.1:2181\nversion=100000002"));
    }
}
