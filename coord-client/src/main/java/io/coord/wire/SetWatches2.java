package io.coord.wire;

import java.util.List;

/** Body of setWatches2 (105, xid -8): {@link SetWatches} plus persistent and recursive watches. */
public record SetWatches2(long relativeZxid, List<String> dataWatches, List<String> existWatches,
                          List<String> childWatches, List<String> persistentWatches,
                          List<String> persistentRecursiveWatches) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeLong(relativeZxid).writeStringList(dataWatches).writeStringList(existWatches)
                .writeStringList(childWatches).writeStringList(persistentWatches)
                .writeStringList(persistentRecursiveWatches);
    }

    public static SetWatches2 read(JuteReader in) {
        return new SetWatches2(in.readLong(), in.readStringList(), in.readStringList(),
                in.readStringList(), in.readStringList(), in.readStringList());
    }
}
