package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathRulesTest {
    @Test
    void acceptsValidPaths() {
        for (String p : new String[] {"/", "/a", "/a/b", "/a.b", "/..a", "/a..", "/.a/b.", "/zookeeper",
                "/é/中文", "/a b", "/a-0000000001"}) {
            assertDoesNotThrow(() -> PathRules.validate(p, false), p);
        }
    }

    @Test
    void rejectsInvalidPathsWithReason() {
        String[] bad = {"", "a", "a/b", "/a/", "//", "/a//b", "/.", "/..", "/a/./b", "/a/../b", "/a/.",
                "/a\u0000b", "/a\u0001", "/a\u007f", "/a\u009f", "/a\ud800", "/a\uf8ff", "/a\ufff0", "/a\uffff"};
        for (String p : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PathRules.validate(p, false), p);
            assertFalse(e.getMessage().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> PathRules.validate(null, false));
        assertTrue(PathRules.isValid("/a\u00a0", false), "U+00A0 is allowed");
    }

    @Test
    void sequentialMayEndWithSlash() {
        assertTrue(PathRules.isValid("/a/", true));
        assertTrue(PathRules.isValid("/", true));
        assertFalse(PathRules.isValid("/a/", false));
        assertFalse(PathRules.isValid("/a//", true));
        assertTrue(PathRules.isValid("/a/.", true), "'.' + digits is a fine name");
    }

    @Test
    void parentNameChild() {
        assertEquals("/", PathRules.parent("/a"));
        assertEquals("/", PathRules.parent("/"));
        assertEquals("/a", PathRules.parent("/a/b"));
        assertEquals("/a", PathRules.parent("/a/"));
        assertEquals("b", PathRules.name("/a/b"));
        assertEquals("/a", PathRules.child("/", "a"));
        assertEquals("/a/b", PathRules.child("/a", "b"));
    }
}
