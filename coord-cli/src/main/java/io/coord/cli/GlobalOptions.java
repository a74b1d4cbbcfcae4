package io.coord.cli;

import io.coord.client.ClientTls;
import java.util.Arrays;
import java.util.List;

/**
 * The command line before the command: {@code [-server hosts] [-timeout ms] [-connecttimeout ms] [--json]}
 * and the TLS options (see {@link TlsOptions}), then optionally one command and its arguments (one-shot mode).
 *
 * @param tls TLS settings, or null for a plaintext connection
 */
record GlobalOptions(String server, int sessionTimeoutMs, int connectTimeoutMs, boolean json,
                     List<String> command, ClientTls tls) {
    static final String DEFAULT_SERVER = "127.0.0.1:2181";
    static final String USAGE = "usage: coord-cli [-server host:port[,host:port...][/chroot]] [-timeout ms] "
            + "[-connecttimeout ms] [--json] [" + TlsOptions.USAGE + "] [command [args...]]";

    boolean oneShot() {
        return !command.isEmpty();
    }

    static GlobalOptions parse(String[] args) {
        String server = DEFAULT_SERVER;
        int sessionTimeoutMs = 30_000;
        int connectTimeoutMs = 10_000;
        boolean json = false;
        TlsOptions tls = new TlsOptions();
        int i = 0;
        while (i < args.length && args[i].startsWith("-")) {
            String a = args[i];
            switch (a) {
                case "-server", "--server" -> server = value(args, ++i, a);
                case "-timeout", "--timeout" -> sessionTimeoutMs = millis(value(args, ++i, a), a);
                case "-connecttimeout", "--connecttimeout" -> connectTimeoutMs = millis(value(args, ++i, a), a);
                case "--json", "-json" -> json = true;
                default -> {
                    int used = tls.accept(args, i);
                    if (used == 0) {
                        throw new UsageException("unknown option " + a + "; " + USAGE);
                    }
                    i += used - 1;
                }
            }
            i++;
        }
        return new GlobalOptions(server, sessionTimeoutMs, connectTimeoutMs, json,
                List.copyOf(Arrays.asList(args).subList(i, args.length)), tls.build());
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value; " + USAGE);
        }
        return args[i];
    }

    private static int millis(String v, String option) {
        try {
            int ms = Integer.parseInt(v);
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " needs a positive number of milliseconds, got '" + v + "'");
    }
}
