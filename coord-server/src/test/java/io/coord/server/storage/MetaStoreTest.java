package io.coord.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaStoreTest {

    @TempDir
    Path dir;

    @Test
    void roundTripAndOverwrite() throws IOException {
        MetaStore store = new MetaStore(dir.resolve("version-1"));
        assertEquals(Optional.empty(), store.read("epoch"));
        store.write("epoch", "1 1".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("1 1".getBytes(StandardCharsets.UTF_8), store.read("epoch").orElseThrow());
        store.write("epoch", "2 1".getBytes(StandardCharsets.UTF_8));
        store.write("empty", new byte[0]);
        MetaStore reopened = new MetaStore(dir.resolve("version-1"));
        assertArrayEquals("2 1".getBytes(StandardCharsets.UTF_8), reopened.read("epoch").orElseThrow());
        assertEquals(0, reopened.read("empty").orElseThrow().length);
        try (Stream<Path> files = Files.list(dir.resolve("version-1"))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    @Test
    void corruptionIsDetectedAndNamesTheFile() throws IOException {
        MetaStore store = new MetaStore(dir);
        store.write("epoch", "12345".getBytes(StandardCharsets.UTF_8));
        TxnLogTest.flipByte(dir.resolve("epoch"), 13);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> store.read("epoch"));
        assertTrue(e.getMessage().contains("epoch"), e.getMessage());

        Files.write(dir.resolve("short"), new byte[3]);
        assertThrows(CorruptFileException.class, () -> store.read("short"));
    }

    @Test
    void rejectsNamesThatEscapeTheDirectory() throws IOException {
        MetaStore store = new MetaStore(dir);
        assertThrows(IllegalArgumentException.class, () -> store.write("../x", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.write("a/b", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> store.read("x.tmp"));
    }
}
