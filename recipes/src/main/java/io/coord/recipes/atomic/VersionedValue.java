package io.coord.recipes.atomic;

/** A value together with the node version it was read at, for {@link SharedValue#trySetValue}. */
public record VersionedValue(byte[] value, int version) {
}
