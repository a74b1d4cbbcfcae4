package io.coord.server.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyOutputStream;

/** The hand-written reader against snappy-java's own writer (test scope), and bad input. */
class SnappyStreamInputTest {

    private static byte[] compress(byte[] data, int blockBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (SnappyOutputStream out = new SnappyOutputStream(bytes, blockBytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] uncompress(byte[] stream) throws IOException {
        try (SnappyStreamInput in = new SnappyStreamInput(new ByteArrayInputStream(stream))) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsWhatSnappyJavaWritesForRepetitiveRandomAndEmptyData() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        byte[] random64k = new byte[65_536];
        for (int i = 0; i < random64k.length; i++) {
            random64k[i] = (byte) random.nextInt(256);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("/app/node-").append(i % 97).append(i % 3 == 0 ? "aaaaaaaaaaaa" : "b");
        }
        byte[] repetitive = text.toString().getBytes();
        byte[] runs = new byte[300_000];
        Arrays.fill(runs, 100_000, 200_000, (byte) 7); // long overlapping back-references
        for (byte[] data : new byte[][] {new byte[0], random64k, repetitive, runs}) {
            for (int block : new int[] {1024, 32 * 1024, 1 << 20}) {
                assertArrayEquals(data, uncompress(compress(data, block)), "block " + block + ", " + data.length + " bytes");
            }
        }
    }

    @Test
    void refusesBadMagicTruncationAndCorruptBlocks() throws IOException {
        byte[] data = ("hello hello hello hello " + "x".repeat(5000)).getBytes();
        byte[] good = compress(data, 1024);
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        assertThrows(IOException.class, () -> uncompress(badMagic));
        assertThrows(IOException.class, () -> uncompress(Arrays.copyOf(good, 10)));
        assertThrows(IOException.class, () -> uncompress(Arrays.copyOf(good, good.length - 3)));
        byte[] hugeChunk = good.clone();
        hugeChunk[16] = 0x7f; // the first chunk claims about 2 GB
        assertThrows(IOException.class, () -> uncompress(hugeChunk));
        // A back-reference before the start of the block.
        assertThrows(IOException.class, () -> SnappyStreamInput.uncompress(new byte[] {10, 0x01, 0x05}));
        // A literal longer than the block's stated length.
        assertThrows(IOException.class, () -> SnappyStreamInput.uncompress(new byte[] {2, 0x08, 1, 2, 3}));
    }
}
