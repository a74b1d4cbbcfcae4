package io.coord.server;

import io.coord.server.net.PortPicker;
import java.io.IOException;

/** The one port picker of this test JVM, so no two servers any test starts are given one port. */
public final class TestPorts {

    private static final PortPicker PICKER = new PortPicker();

    private TestPorts() {
    }

    public static int next() throws IOException {
        return PICKER.next();
    }
}
