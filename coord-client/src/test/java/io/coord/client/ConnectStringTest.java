package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectStringTest {
    @Test
    void parsesHostsPortsAndChroot() {
        ConnectString cs = ConnectString.parse(" h1:2182, h2 ,[::1]:2183/app/one");
        assertEquals(List.of(InetSocketAddress.createUnresolved("h1", 2182),
                InetSocketAddress.createUnresolved("h2", 2181),
                InetSocketAddress.createUnresolved("::1", 2183)), cs.hosts());
        assertEquals("/app/one", cs.chroot());
    }

    @Test
    void rootChrootMeansNone() {
        assertNull(ConnectString.parse("h:1/").chroot());
        assertNull(ConnectString.parse("h:1").chroot());
    }

    @Test
    void refusesBadInput() {
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("/chroot"));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("h:notaport"));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("h:70000"));
        assertThrows(IllegalArgumentException.class, () -> ConnectString.parse("[::1:2181"));
        assertThrows(CoordException.BadArgumentsException.class, () -> ConnectString.parse("h:1/a//b"));
        assertThrows(CoordException.BadArgumentsException.class, () -> ConnectString.parse("h:1/a/"));
    }

    @Test
    void chrootPrependsAndStrips() {
        ConnectString cs = ConnectString.parse("h/app");
        assertEquals("/app", cs.toServerPath("/"));
        assertEquals("/app/x/y", cs.toServerPath("/x/y"));
        assertEquals("/", cs.toClientPath("/app"));
        assertEquals("/x/y", cs.toClientPath("/app/x/y"));
        assertEquals("/apple", cs.toClientPath("/apple"), "a sibling sharing the prefix is not inside");
        ConnectString none = ConnectString.parse("h");
        assertEquals("/x", none.toServerPath("/x"));
        assertEquals("/x", none.toClientPath("/x"));
    }

    @Test
    void pathRules() {
        assertNull(Paths.problem("/", false));
        assertNull(Paths.problem("/a/b-c_d.e", false));
        assertNull(Paths.problem("/a/", true), "a sequential create may end in /");
        assertEquals("must start with /", Paths.problem("a", false));
        assertEquals("must not end with /", Paths.problem("/a/", false));
        assertEquals("empty segment", Paths.problem("/a//b", false));
        assertEquals("relative segment ..", Paths.problem("/a/../b", false));
        assertEquals("relative segment .", Paths.problem("/./b", false));
        assertEquals("invalid character at 2", Paths.problem("/a\u0000", false));
        assertEquals("empty", Paths.problem(null, false));
        assertEquals("/", Paths.parent("/a"));
        assertEquals("/a", Paths.parent("/a/b"));
        assertEquals("/a/b", Paths.join("/a", "b"));
        assertEquals("/b", Paths.join("/", "b"));
    }
}
