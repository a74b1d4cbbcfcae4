package io.coord.server.config;

/** Typed values of config keys; a bad value throws a {@link ConfigException} naming its key. */
final class ConfigValues {
    private ConfigValues() {
    }

    static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not an integer: '" + value + "'");
        }
    }

    static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not an integer: '" + value + "'");
        }
    }

    static boolean parseBool(String key, String value) {
        return switch (value.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "not a boolean: '" + value + "'");
        };
    }
}
