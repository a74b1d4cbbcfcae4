package io.coord.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Asks a server a four-letter word ({@code ruok}, {@code srvr}, {@code mntr}, ...) on its client
 * port, as {@code echo srvr | nc host port} or ZooKeeper's FourLetterWordMain do: the word, then the
 * whole answer up to the server's close. Tests, the benchmark and the fault suite read a member's
 * mode and figures this way.
 */
public final class FourLetterWords {
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    private static final int READ_TIMEOUT_MS = 2_000;

    private FourLetterWords() {
    }

    /** The answer as the server sent it, or null when it could not be had (no server, timeout). */
    public static String ask(InetSocketAddress server, String word) {
        try (Socket socket = new Socket()) {
            socket.connect(server, CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@link #ask(InetSocketAddress, String)} of a loopback port, trimmed, or null. */
    public static String askLoopback(int port, String word) {
        String answer = ask(new InetSocketAddress("127.0.0.1", port), word);
        return answer == null ? null : answer.trim();
    }
}
