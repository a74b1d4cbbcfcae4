package io.coord.recipes.atomic;

/** Told about every new value of a {@link SharedValue}, on its cache thread. */
@FunctionalInterface
public interface SharedValueListener {
    void valueChanged(VersionedValue newValue);
}
