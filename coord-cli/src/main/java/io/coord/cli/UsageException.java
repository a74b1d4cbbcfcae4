package io.coord.cli;

/** The user typed something the CLI cannot run: unknown command or flag, missing or bad argument. Exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
