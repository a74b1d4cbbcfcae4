package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Words, flags and ACL text, without a server. */
class ParsingTest {

    @Test
    void tokenizerHonoursQuotesAndEscapes() {
        assertEquals(List.of("set", "/a", "hello world"), LineTokenizer.split("  set /a 'hello world' "));
        assertEquals(List.of("set", "/a", "say \"hi\""), LineTokenizer.split("set /a \"say \\\"hi\\\"\""));
        assertEquals(List.of("a b", "c"), LineTokenizer.split("a\\ b c"));
        assertEquals(List.of("x''y"), LineTokenizer.split("x\"''\"y"));
        assertEquals(List.of(), LineTokenizer.split("   "));
        assertThrows(UsageException.class, () -> LineTokenizer.split("get 'open"));
    }

    @Test
    void flagsAnywhereBundledAndValued() {
        CommandArgs a = CommandArgs.parse(Command.CREATE, List.of("-es", "/p", "-t", "100", "data"));
        assertTrue(a.has('e'));
        assertTrue(a.has('s'));
        assertFalse(a.has('c'));
        assertEquals(100, a.longValue('t', 0));
        assertEquals("/p", a.arg(0));
        assertEquals("data", a.arg(1));
        assertNull(a.arg(2));

        CommandArgs rw = CommandArgs.parse(Command.REMOVE_WATCHES, List.of("/p", "-c"));
        assertTrue(rw.has('c'));
        CommandArgs negative = CommandArgs.parse(Command.SET, List.of("/p", "-5"));
        assertEquals("-5", negative.arg(1));
        CommandArgs dashed = CommandArgs.parse(Command.SET, List.of("/p", "--", "-data"));
        assertEquals("-data", dashed.arg(1));
        UsageException e = assertThrows(UsageException.class,
                () -> CommandArgs.parse(Command.SET, List.of("/p", "d", "-v")));
        assertEquals("set: flag -v needs a value; usage: set [-s] [-v version] path data", e.getMessage());
        assertEquals(Command.REMOVE_WATCHES, Command.named("removeWatches"));
    }

    @Test
    void aclTextBothWays() {
        List<Acl> acl = AclSyntax.parse("world:anyone:cdrwa,digest:u:abc=:r,ip:::1:rw,auth::a");
        assertEquals(List.of(new Acl(Perms.ALL, Id.ANYONE),
                new Acl(Perms.READ, new Id("digest", "u:abc=")),
                new Acl(Perms.READ | Perms.WRITE, new Id("ip", "::1")),
                new Acl(Perms.ADMIN, new Id("auth", ""))), acl);
        assertEquals("cdrwa", AclSyntax.format(Perms.ALL));
        assertEquals("rw", AclSyntax.format(Perms.WRITE | Perms.READ));
        assertThrows(UsageException.class, () -> AclSyntax.parse("world:anyone"));
        assertThrows(UsageException.class, () -> AclSyntax.parse("world:anyone:"));
        assertThrows(UsageException.class, () -> AclSyntax.parse(":x:r"));
        assertThrows(UsageException.class, () -> AclSyntax.parse("world:anyone:r,"));
    }

    @Test
    void globalOptionsAndPlainLines() throws Exception {
        GlobalOptions o = GlobalOptions.parse(new String[] {"-server", "h:1,h:2/app", "--json", "get", "-s", "/x"});
        assertEquals("h:1,h:2/app", o.server());
        assertTrue(o.json());
        assertEquals(List.of("get", "-s", "/x"), o.command());
        assertFalse(GlobalOptions.parse(new String[0]).oneShot());
        assertThrows(UsageException.class, () -> GlobalOptions.parse(new String[] {"-timeout", "soon"}));
        assertThrows(UsageException.class, () -> GlobalOptions.parse(new String[] {"-server"}));

        PlainLineSource lines = new PlainLineSource(
                new ByteArrayInputStream("a\r\n\nthis line is too long\nlast".getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals("a", lines.readLine(""));
        assertEquals("", lines.readLine(""));
        assertThrows(UsageException.class, () -> lines.readLine(""));
        assertEquals("last", lines.readLine(""));
        assertNull(lines.readLine(""));
    }
}
