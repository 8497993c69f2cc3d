package io.smtreplay.trace;

import java.util.Objects;

/** Where events ran and whose they are: the L0 host, the VM (nullable), the customer application. */
public record Labels(String host, String vm, String app) {
    public Labels {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(app, "app");
    }

    /**
     * The one rule from a trace file to its app when none is given, for every command: the
     * file's name without {@code .gz} and then a final extension of letters ({@code .txt},
     * {@code .dat}), so {@code trace-k6.1.txt.gz} is app {@code trace-k6.1}; {@code -} is
     * {@code stdin}.
     */
    public static String appOfFile(String file) {
        if (file.equals("-")) {
            return "stdin";
        }
        String name = java.nio.file.Path.of(file).getFileName().toString();
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        String app = name.replaceFirst("\\.[A-Za-z]+$", "");
        return app.isEmpty() ? name : app;
    }
}
