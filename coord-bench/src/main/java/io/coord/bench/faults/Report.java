package io.coord.bench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report directory of a run: schedule.txt (planned), nemesis.log (applied, with times),
 * history.jsonl (every op), verdicts.txt, latency.html (latency over time, faults shaded), and the
 * members' logs under logs/.
 */
final class Report {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 420;
    private static final int LEFT = 60;
    private static final int TOP = 20;
    private static final int PLOT_W = WIDTH - LEFT - 20;
    private static final int PLOT_H = HEIGHT - TOP - 40;

    private Report() {
    }

    static void writeSchedule(Path dir, String header, List<Fault> schedule) throws IOException {
        StringBuilder sb = new StringBuilder(header).append('\n');
        for (Fault f : schedule) {
            sb.append(f).append('\n');
        }
        Files.writeString(dir.resolve("schedule.txt"), sb.toString());
    }

    static void write(Path dir, String header, OpLog log, long startNanos, Nemesis nemesis, List<Verdict> verdicts)
            throws IOException {
        Files.write(dir.resolve("nemesis.log"), nemesis.log());
        writeHistory(dir, log, startNanos);
        StringBuilder v = new StringBuilder(header).append('\n');
        for (Verdict verdict : verdicts) {
            v.append(verdict.checker()).append(": ").append(verdict.result()).append(" — ").append(verdict.summary())
                    .append('\n');
            for (String violation : verdict.violations()) {
                v.append("  ").append(violation.replace("\n", "\n    ")).append('\n');
            }
        }
        Files.writeString(dir.resolve("verdicts.txt"), v.toString());
        Files.writeString(dir.resolve("latency.html"), html(header, log, startNanos, nemesis.applied(), verdicts));
    }

    private static void writeHistory(Path dir, OpLog log, long startNanos) throws IOException {
        List<String> lines = new ArrayList<>();
        for (OpLog.Entry e : log.entries()) {
            lines.add(String.format(Locale.ROOT,
                    "{\"start_s\":%.6f,\"end_s\":%s,\"workload\":\"%s\",\"client\":%d,\"op\":\"%s\",\"detail\":\"%s\","
                            + "\"outcome\":\"%s\"}",
                    (e.startNanos() - startNanos) / 1e9,
                    e.endNanos() == 0 ? "null" : String.format(Locale.ROOT, "%.6f", (e.endNanos() - startNanos) / 1e9),
                    e.workload(), e.client(), e.op(), json(e.detail()), e.outcome().name().toLowerCase(Locale.ROOT)));
        }
        Files.write(dir.resolve("history.jsonl"), lines);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** y of a latency on a log scale from 0.1 ms to 30 s. */
    private static double y(double latencyMs) {
        double clamped = Math.max(0.1, Math.min(30_000, latencyMs));
        double f = (Math.log10(clamped) + 1) / (Math.log10(30_000) + 1);
        return TOP + PLOT_H - f * PLOT_H;
    }

    static String html(String header, OpLog log, long startNanos, List<Nemesis.Applied> faults, List<Verdict> verdicts) {
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(xml(header)).append("</title></head><body><h3>").append(xml(header)).append("</h3>\n")
                .append("<p>Latency of every operation over time (log scale, left; x = when it was invoked). Blue: "
                        + "register ops that succeeded, green: set adds, purple: lock acquisitions and fenced writes, "
                        + "grey: ephemeral owners' creates and checks, orange: refused, red: outcome unknown (plotted "
                        + "at the time the client gave up). Black line: operations completed per second (right "
                        + "axis). Shaded: faults (hover for what was done).</p>\n")
                .append(svg(log.entries(), startNanos, faults)).append("<h4>Verdicts</h4><ul>\n");
        for (Verdict v : verdicts) {
            page.append("<li><b>").append(xml(v.checker())).append(": ").append(v.result()).append("</b> — ")
                    .append(xml(v.summary())).append("</li>\n");
        }
        page.append("</ul><h4>Faults</h4><ul>\n");
        for (Nemesis.Applied f : faults) {
            page.append(String.format(Locale.ROOT, "<li>%.1f–%.1f s: %s</li>%n", f.startMs() / 1000.0,
                    f.endMs() / 1000.0, xml(f.description())));
        }
        return page.append("</ul></body></html>\n").toString();
    }

    private static String svg(List<OpLog.Entry> entries, long startNanos, List<Nemesis.Applied> faults) {
        double endS = 1;
        for (OpLog.Entry e : entries) {
            endS = Math.max(endS, (e.gaveUpNanos() - startNanos) / 1e9);
        }
        for (Nemesis.Applied f : faults) {
            endS = Math.max(endS, f.endMs() / 1000.0);
        }
        double scaleX = PLOT_W / endS;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" "
                + "xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT));
        faultBands(svg, faults, scaleX);
        axes(svg, endS, scaleX);
        int step = Math.max(1, entries.size() / 30_000);
        for (int i = 0; i < entries.size(); i += step) {
            OpLog.Entry e = entries.get(i);
            double x = LEFT + (e.startNanos() - startNanos) / 1e9 * scaleX;
            double latencyMs = (e.gaveUpNanos() - e.startNanos()) / 1e6;
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\"/>%n", x,
                    y(latencyMs), color(e)));
        }
        throughput(svg, entries, startNanos, endS, scaleX);
        return svg.append("</svg>\n").toString();
    }

    private static String color(OpLog.Entry e) {
        return switch (e.outcome()) {
            case OK -> switch (e.workload()) {
                case SetWorkload.NAME -> "#2a7";
                case LockWorkload.NAME -> "#959";
                case EphemeralWorkload.NAME -> "#888";
                default -> "#36c";
            };
            case FAILED -> "#e90";
            case UNKNOWN -> "#d22";
        };
    }

    private static void faultBands(StringBuilder svg, List<Nemesis.Applied> faults, double scaleX) {
        int row = 0;
        for (Nemesis.Applied f : faults) {
            double x = LEFT + f.startMs() / 1000.0 * scaleX;
            double w = Math.max(1, (f.endMs() - f.startMs()) / 1000.0 * scaleX);
            String label = f.fault().type().name().toLowerCase(Locale.ROOT)
                    + (f.fault().with() == null ? "" : "+" + f.fault().with().type().name().toLowerCase(Locale.ROOT));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"#f4c7c3\" opacity=\"0.6\"><title>%s</title></rect>%n", x, TOP, w, PLOT_H,
                    xml(f.description())));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#a33\">%s</text>%n", x + 2,
                    TOP + 12 + 12 * (row++ % 3), xml(label)));
        }
    }

    private static void axes(StringBuilder svg, double endS, double scaleX) {
        for (double ms : new double[] {1, 10, 100, 1000, 10000}) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"4\" y=\"%.1f\">%s</text>%n", LEFT, LEFT + PLOT_W, y(ms), y(ms), y(ms) + 4,
                    ms >= 1000 ? (int) (ms / 1000) + " s" : (int) ms + " ms"));
        }
        for (int s = 0; s <= endS; s += endS > 120 ? 30 : 10) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%d s</text>%n", LEFT + s * scaleX - 8,
                    TOP + PLOT_H + 16, s));
        }
    }

    /** Operations completed (any outcome but unknown) per second, as a line on a linear right-hand axis. */
    private static void throughput(StringBuilder svg, List<OpLog.Entry> entries, long startNanos, double endS,
                                   double scaleX) {
        int[] perSecond = new int[(int) endS + 1];
        for (OpLog.Entry e : entries) {
            if (e.endNanos() != 0) {
                int s = (int) ((e.endNanos() - startNanos) / 1_000_000_000L);
                if (s >= 0 && s < perSecond.length) {
                    perSecond[s]++;
                }
            }
        }
        int max = 1;
        for (int n : perSecond) {
            max = Math.max(max, n);
        }
        StringBuilder points = new StringBuilder();
        for (int s = 0; s < perSecond.length; s++) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + (s + 0.5) * scaleX,
                    TOP + PLOT_H - (double) perSecond[s] / max * PLOT_H));
        }
        svg.append("<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.2\" points=\"").append(points)
                .append("\"/>\n").append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d ops/s</text>%n", LEFT + PLOT_W, TOP + 10, max));
    }
}
