package io.coord.recipes.atomic;

/**
 * Told about every new value of a {@link SharedValue}, in order, on the thread of the value's
 * cache (not the client's callback thread): it may make blocking client and recipe calls, but
 * delays later values while it runs.
 */
@FunctionalInterface
public interface SharedValueListener {
    void valueChanged(VersionedValue newValue);
}
