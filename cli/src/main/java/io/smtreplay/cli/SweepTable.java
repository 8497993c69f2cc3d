package io.smtreplay.cli;

import io.smtreplay.projection.ParameterSweep;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.smt.SmtConfiguration;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parameter sweep as people and tools read it: a text table (one row per value, one column per
 * app and configuration), the same as CSV, and a line plot as SVG (written by hand: a polyline per
 * column, axes with ticks).
 */
final class SweepTable {

    private final ParameterSweep sweep;
    private final List<String> columns = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();

    SweepTable(ParameterSweep sweep, List<SmtConfiguration> configurations) {
        this.sweep = sweep;
        Set<String> apps = new TreeSet<>();
        for (int i = 0; i < sweep.values().size(); i++) {
            apps.addAll(sweep.at(i).byApp().keySet());
        }
        List<String[]> keys = new ArrayList<>();
        for (String app : apps) {
            for (SmtConfiguration c : configurations) {
                columns.add(app + " " + c.name());
                keys.add(new String[] {app, c.name()});
            }
        }
        for (int i = 0; i < sweep.values().size(); i++) {
            double[] row = new double[keys.size()];
            for (int k = 0; k < keys.size(); k++) {
                ProjectionAccumulator acc = sweep.at(i).byApp().get(keys.get(k)[0]);
                row[k] = acc == null ? Double.NaN : acc.wallClockSpeedup(keys.get(k)[1]);
            }
            rows.add(row);
        }
    }

    void print(PrintWriter out) {
        out.printf("sensitivity of the wall-clock speedup (x) to %s%n", sweep.parameter());
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %12s", sweep.parameter().length() > 12
                ? "value ns" : sweep.parameter()));
        for (String c : columns) {
            header.append(String.format(Locale.ROOT, "  %s", c));
        }
        out.println(header);
        for (int i = 0; i < rows.size(); i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %12d", sweep.values().get(i)));
            for (int k = 0; k < columns.size(); k++) {
                line.append(String.format(Locale.ROOT, "  %" + columns.get(k).length() + ".3f", rows.get(i)[k]));
            }
            out.println(line);
        }
    }

    /** The CSV to {@code csv} and the plot to {@link #svgPath}. */
    void write(Path csv) throws IOException {
        StringBuilder text = new StringBuilder(quote(sweep.parameter() + " (ns)"));
        columns.forEach(c -> text.append(',').append(quote(c)));
        text.append('\n');
        for (int i = 0; i < rows.size(); i++) {
            text.append(sweep.values().get(i));
            for (double v : rows.get(i)) {
                text.append(',').append(String.format(Locale.ROOT, "%.6f", v));
            }
            text.append('\n');
        }
        try {
            Files.writeString(csv, text, StandardCharsets.UTF_8);
            Files.writeString(svgPath(csv), svg(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot write " + csv + ": " + CliSupport.ioReason(e), e);
        }
    }

    /** {@code sweep.csv} → {@code sweep.svg}; a name without extension gets {@code .svg} appended. */
    static Path svgPath(Path csv) {
        String name = csv.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return csv.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".svg");
    }

    private static String quote(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    String svg() {
        int width = 720;
        int height = 420;
        int left = 70;
        int right = 250;
        int top = 40;
        int bottom = 60;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        List<Long> xs = sweep.values();
        double x0 = xs.get(0);
        double x1 = Math.max(xs.get(xs.size() - 1), x0 + 1);
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (double[] row : rows) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    y0 = Math.min(y0, v);
                    y1 = Math.max(y1, v);
                }
            }
        }
        if (!(y0 <= y1)) {
            y0 = 1;
            y1 = 1;
        }
        double pad = Math.max((y1 - y0) * 0.05, 0.01);
        y0 -= pad;
        y1 += pad;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">wall-clock speedup vs %s</text>%n", left,
                escape(sweep.parameter())));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"black\"/>%n", left, top, plotW, plotH));
        for (int t = 0; t <= 4; t++) {
            double xv = x0 + (x1 - x0) * t / 4;
            double yv = y0 + (y1 - y0) * t / 4;
            double px = left + plotW * t / 4.0;
            double py = top + plotH - plotH * t / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", px, top + plotH, px,
                    top + plotH + 5, px, top + plotH + 20, xv));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.3f</text>%n", left, py, left + plotW, py,
                    left - 6, py + 4, yv));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s (ns)</text>%n",
                left + plotW / 2.0, height - 15, escape(sweep.parameter())));
        s.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" transform=\"rotate(-90 18 %.1f)\" "
                + "text-anchor=\"middle\">speedup (x)</text>%n", top + plotH / 2.0, top + plotH / 2.0));
        for (int k = 0; k < columns.size(); k++) {
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < rows.size(); i++) {
                double v = rows.get(i)[k];
                if (Double.isNaN(v)) {
                    continue;
                }
                double px = left + plotW * (xs.get(i) - x0) / (x1 - x0);
                double py = top + plotH - plotH * (v - y0) / (y1 - y0);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/>%n", colour, points.toString().trim()));
            int ly = top + 10 + 18 * k;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n", left + plotW + 15, ly,
                    left + plotW + 35, ly, colour, left + plotW + 40, ly + 4, escape(columns.get(k))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
