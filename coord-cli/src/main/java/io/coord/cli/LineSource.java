package io.coord.cli;

import java.io.IOException;

/** Where the shell's lines come from: a JLine terminal, or plain lines from a pipe. */
interface LineSource extends AutoCloseable {
    /** The next line, or null at end of input. */
    String readLine(String prompt) throws IOException;

    @Override
    void close();
}
