package io.coord.recipes;

/**
 * The client a recipe uses was closed while (or before) a recipe call waited on it. Every blocking
 * recipe call throws it instead of waiting for an event that can no longer come; like Curator's
 * CuratorClosedException. Unchecked; an IllegalStateException, so code that already handles a
 * recipe's "could not be done" failures handles it too.
 */
public final class ClientClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ClientClosedException(String what) {
        super(what + ": the client was closed");
    }

    public ClientClosedException(String what, Throwable cause) {
        super(what + ": the client was closed", cause);
    }
}
