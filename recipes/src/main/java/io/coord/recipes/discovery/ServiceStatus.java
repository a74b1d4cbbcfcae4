package io.coord.recipes.discovery;

/** Whether an instance takes traffic; providers hand out UP instances only. */
public enum ServiceStatus {
    UP,
    DOWN
}
