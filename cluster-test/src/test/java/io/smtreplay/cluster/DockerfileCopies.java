package io.smtreplay.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a Dockerfile copies from its build context (the repository root) into the image:
 * {@code COPY [--chown=…] SRC DEST} with {@code ARG NAME=default} substituted; copies from another
 * stage ({@code --from=}) are built inside the image and not listed. No container engine runs
 * here, so tests check these files and lay out a local "image" from them.
 */
final class DockerfileCopies {

    record Copy(Path source, String destination) {
    }

    private static final Pattern ARG = Pattern.compile("^ARG\\s+(\\w+)=(\\S+)\\s*$");
    private static final Pattern COPY = Pattern.compile("^COPY\\s+((?:--\\S+\\s+)*)(\\S+)\\s+(\\S+)\\s*$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

    private DockerfileCopies() {
    }

    static List<Copy> of(Path dockerfile, Path context) throws IOException {
        Map<String, String> args = new HashMap<>();
        List<Copy> copies = new ArrayList<>();
        for (String line : Files.readAllLines(dockerfile)) {
            Matcher arg = ARG.matcher(line);
            Matcher copy = COPY.matcher(line);
            if (arg.matches()) {
                args.put(arg.group(1), arg.group(2));
            } else if (copy.matches() && !copy.group(1).contains("--from=")) {
                copies.add(new Copy(context.resolve(substitute(copy.group(2), args)).normalize(),
                        substitute(copy.group(3), args)));
            }
        }
        return copies;
    }

    /** Copies every file into {@code root} as the image would hold it ({@code /opt/flink/x} to {@code root/opt/flink/x}). */
    static void layOut(List<Copy> copies, Path root) throws IOException {
        for (Copy c : copies) {
            Path target = root.resolve(c.destination().replaceFirst("^/", ""));
            Files.createDirectories(target.getParent());
            Files.copy(c.source(), target);
        }
    }

    private static String substitute(String s, Map<String, String> args) {
        Matcher m = VARIABLE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = args.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("Dockerfile uses ${" + m.group(1) + "} without an ARG default");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
