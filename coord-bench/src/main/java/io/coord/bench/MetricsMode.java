package io.coord.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code compare --metrics off|on|both}: whether Coord serves Prometheus {@code /metrics}
 * (metricsProvider.className=ZooKeeper's PrometheusMetricsProvider, on loopback) while it is
 * measured, scraped once a second as a Prometheus server would; {@code both} launches two Coord
 * servers, one of each, so the cost of metrics is measured in one command, rounds alternating.
 * ZooKeeper targets cannot take it: ZooKeeper's Prometheus provider
 * (org.apache.zookeeper:zookeeper-prometheus-metrics) is not on the bench's classpath.
 */
enum MetricsMode {
    OFF, ON, BOTH;

    /** The label of the Coord server that serves metrics under {@code both}. */
    static final String ON_LABEL = "coord+metrics";
    static final String PROVIDER = "org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider";
    private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    static MetricsMode parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "off" -> OFF;
            case "on" -> ON;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("--metrics must be off, on or both, not '" + value + "'");
        };
    }

    /** The zoo.cfg lines that turn Prometheus on at {@code httpPort} (loopback). */
    static String configLines(int httpPort) {
        return "metricsProvider.className=" + PROVIDER + "\nmetricsProvider.httpHost=127.0.0.1\n"
                + "metricsProvider.httpPort=" + httpPort + "\n";
    }

    /** Scrapes each port's /metrics once a second on a daemon thread until closed; counts what it got. */
    static final class Scraper implements AutoCloseable {
        private final List<Integer> ports = new CopyOnWriteArrayList<>();
        private final AtomicLong scrapes = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        Scraper() {
            thread = new Thread(this::run, "coord-bench-scraper");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Scrapes {@code port} from now on, once it serves /metrics: the server starts Prometheus just
         * after its client port, which is what says it is ready.
         */
        void add(int port) throws java.io.IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                try {
                    if (http.send(request(port), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        ports.add(port);
                        return;
                    }
                } catch (java.io.IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new java.io.IOException("/metrics on 127.0.0.1:" + port + " did not answer within "
                                + READY_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
                    }
                }
                Thread.sleep(100);
            }
        }

        private static HttpRequest request(int port) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build();
        }

        private void run() {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            while (running) {
                for (int port : ports) {
                    try {
                        HttpResponse<byte[]> r = http.send(request(port), HttpResponse.BodyHandlers.ofByteArray());
                        (r.statusCode() == 200 ? scrapes : failures).incrementAndGet();
                        bytes.addAndGet(r.body().length);
                    } catch (java.io.IOException e) {
                        if (running) {
                            failures.incrementAndGet(); // not the stop's interrupt
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(SCRAPE_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void report(PrintStream out) {
            long ok = scrapes.get();
            out.printf(Locale.ROOT, "metrics: %d scrapes of /metrics (%d failed), %.0f bytes each on average%n", ok,
                    failures.get(), ok == 0 ? 0.0 : bytes.get() / (double) ok);
        }

        /** Stops scraping and waits for the thread, so that no scrape meets a server being stopped. */
        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
