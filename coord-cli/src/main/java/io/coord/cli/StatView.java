package io.coord.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coord.wire.Stat;
import java.util.Date;
import java.util.List;

/** A Stat as zkCli prints it (hex zxids, dates in the local time zone) and as a JSON object. */
final class StatView {
    private StatView() {
    }

    static List<String> lines(Stat s) {
        return List.of(
                "cZxid = 0x" + Long.toHexString(s.czxid()),
                "ctime = " + new Date(s.ctime()),
                "mZxid = 0x" + Long.toHexString(s.mzxid()),
                "mtime = " + new Date(s.mtime()),
                "pZxid = 0x" + Long.toHexString(s.pzxid()),
                "cversion = " + s.cversion(),
                "dataVersion = " + s.version(),
                "aclVersion = " + s.aversion(),
                "ephemeralOwner = 0x" + Long.toHexString(s.ephemeralOwner()),
                "dataLength = " + s.dataLength(),
                "numChildren = " + s.numChildren());
    }

    /** Field names follow the jute Stat record; times are epoch milliseconds. */
    static ObjectNode json(Stat s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("czxid", s.czxid());
        o.put("mzxid", s.mzxid());
        o.put("pzxid", s.pzxid());
        o.put("ctime", s.ctime());
        o.put("mtime", s.mtime());
        o.put("version", s.version());
        o.put("cversion", s.cversion());
        o.put("aversion", s.aversion());
        o.put("ephemeralOwner", s.ephemeralOwner());
        o.put("dataLength", s.dataLength());
        o.put("numChildren", s.numChildren());
        return o;
    }
}
