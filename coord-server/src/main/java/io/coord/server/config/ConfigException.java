package io.coord.server.config;

/** A configuration value that cannot be used; the message names the key so start-up can say which. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final String problem;

    public ConfigException(String key, String problem) {
        super("config key '" + key + "': " + problem);
        this.key = key;
        this.problem = problem;
    }

    /** The message without the key. */
    public String problem() {
        return problem;
    }

    public String key() {
        return key;
    }
}
