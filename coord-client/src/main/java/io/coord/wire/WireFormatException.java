package io.coord.wire;

/**
 * Thrown when bytes do not decode as the expected jute record: truncated input, a negative or
 * oversized length, an unknown op code. The peer that sent them is at fault, so the caller closes
 * that connection and nothing else.
 */
public class WireFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
