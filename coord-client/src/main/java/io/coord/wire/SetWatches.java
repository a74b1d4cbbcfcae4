package io.coord.wire;

import java.util.List;

/**
 * Body of setWatches (101, xid -8), sent on reconnect to re-register watches. relativeZxid is the
 * last zxid the client saw: the server fires at once every watch whose node changed after it.
 */
public record SetWatches(long relativeZxid, List<String> dataWatches, List<String> existWatches,
                         List<String> childWatches) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeLong(relativeZxid).writeStringList(dataWatches).writeStringList(existWatches)
                .writeStringList(childWatches);
    }

    public static SetWatches read(JuteReader in) {
        return new SetWatches(in.readLong(), in.readStringList(), in.readStringList(),
                in.readStringList());
    }
}
