package io.coord.cli;

/** A command could not run for a reason that is not the user's syntax (not connected, ...). Exit code 1. */
final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliFailure(String message) {
        super(message);
    }
}
