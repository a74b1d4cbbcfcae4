package io.coord.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed connect string {@code "h1:2181,h2:2181/chroot"}: the server addresses (unresolved, so
 * DNS is asked again on every attempt) and an optional chroot that every path is relative to.
 * A host without a port gets 2181; IPv6 literals are written in brackets ({@code [::1]:2181}).
 */
public record ConnectString(List<InetSocketAddress> hosts, String chroot) {
    public static final int DEFAULT_PORT = 2181;

    public ConnectString {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("connect string names no host");
        }
        if (chroot != null) {
            Paths.validate(chroot, false);
            if (chroot.equals("/")) {
                chroot = null;
            }
        }
    }

    public static ConnectString parse(String connectString) {
        if (connectString == null || connectString.isBlank()) {
            throw new IllegalArgumentException("empty connect string");
        }
        String hostPart = connectString.trim();
        String chroot = null;
        int slash = hostPart.indexOf('/');
        if (slash >= 0) {
            chroot = hostPart.substring(slash);
            hostPart = hostPart.substring(0, slash);
        }
        List<InetSocketAddress> hosts = new ArrayList<>();
        for (String h : hostPart.split(",")) {
            String host = h.trim();
            if (!host.isEmpty()) {
                hosts.add(parseHost(host));
            }
        }
        return new ConnectString(hosts, chroot);
    }

    private static InetSocketAddress parseHost(String host) {
        String name = host;
        int port = DEFAULT_PORT;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed IPv6 literal in " + host);
            }
            name = host.substring(1, close);
            String rest = host.substring(close + 1);
            if (rest.startsWith(":")) {
                port = parsePort(rest.substring(1), host);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("bad host " + host);
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                name = host.substring(0, colon);
                port = parsePort(host.substring(colon + 1), host);
            }
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty host name in " + host);
        }
        return InetSocketAddress.createUnresolved(name, port);
    }

    private static int parsePort(String port, String host) {
        try {
            int p = Integer.parseInt(port.trim());
            if (p <= 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range in " + host);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + host, e);
        }
    }

    /** The server-side path of a client path. */
    public String toServerPath(String clientPath) {
        if (chroot == null) {
            return clientPath;
        }
        return clientPath.equals("/") ? chroot : chroot + clientPath;
    }

    /** The client path of a server path; paths outside the chroot come back unchanged. */
    public String toClientPath(String serverPath) {
        if (chroot == null || serverPath == null) {
            return serverPath;
        }
        if (serverPath.equals(chroot)) {
            return "/";
        }
        if (serverPath.startsWith(chroot) && serverPath.length() > chroot.length()
                && serverPath.charAt(chroot.length()) == '/') {
            return serverPath.substring(chroot.length());
        }
        return serverPath;
    }
}
