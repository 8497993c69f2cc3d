package io.smtreplay.agent;

import io.smtreplay.trace.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labels a vCPU thread: host from the node, VM and app from the thread's QEMU process. The process
 * ({@code /proc/<tid>/status} Tgid) is described by its libvirt name ({@code -name guest=NAME,...}
 * or {@code -name NAME}), {@code -uuid} and cgroup path; the first {@link Rule} that matches gives
 * the app. A thread no rule matches — or that is gone — is app {@value #UNKNOWN_APP}, never dropped.
 * Answers are cached per thread (vCPU threads live as long as their VM).
 */
final class ThreadLabels {
    static final String UNKNOWN_APP = "unknown";

    private final Path proc;
    private final String host;
    private final List<Rule> rules;
    private final Map<Integer, Labels> byThread = new HashMap<>();
    private final Map<Integer, String> comms = new HashMap<>();

    ThreadLabels(Path proc, String host, List<Rule> rules) {
        this.proc = proc;
        this.host = host;
        this.rules = List.copyOf(rules);
    }

    /** A rule {@code KEY:VALUE=APP}, KEY one of {@code vm}, {@code uuid}, {@code cgroup} (substring), {@code comm}. */
    record Rule(String key, String value, String app) {
        static Rule parse(String text) {
            int colon = text.indexOf(':');
            int eq = text.lastIndexOf('=');
            if (colon <= 0 || eq < colon + 2 || eq == text.length() - 1) {
                throw new IllegalArgumentException("label rule '" + text + "' is not KEY:VALUE=APP");
            }
            String key = text.substring(0, colon);
            if (!List.of("vm", "uuid", "cgroup", "comm").contains(key)) {
                throw new IllegalArgumentException("label rule '" + text + "': KEY must be vm, uuid, cgroup or comm");
            }
            return new Rule(key, text.substring(colon + 1, eq), text.substring(eq + 1));
        }

        boolean matches(Process p) {
            return switch (key) {
                case "vm" -> value.equals(p.vm);
                case "uuid" -> value.equalsIgnoreCase(p.uuid == null ? "" : p.uuid);
                case "cgroup" -> p.cgroup != null && p.cgroup.contains(value);
                default -> value.equals(p.comm);
            };
        }
    }

    /** Rules from a file: one {@code KEY:VALUE=APP} a line, {@code #} comments. */
    static List<Rule> readRules(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                rules.add(Rule.parse(t));
            }
        }
        return rules;
    }

    Labels of(int tid) {
        return byThread.computeIfAbsent(tid, this::describe);
    }

    String comm(int tid) {
        if (tid == 0) {
            return "<idle>";
        }
        return comms.computeIfAbsent(tid, t -> {
            String c = read(proc.resolve(t + "/comm"));
            return c == null ? "<...>" : c.strip();
        });
    }

    private Labels describe(int tid) {
        Process p = process(tid);
        if (p == null) {
            return new Labels(host, null, UNKNOWN_APP);
        }
        for (Rule r : rules) {
            if (r.matches(p)) {
                return new Labels(host, p.vm, r.app);
            }
        }
        return new Labels(host, p.vm, UNKNOWN_APP);
    }

    /** What the thread's process says about its VM, or null when the thread is gone. */
    private Process process(int tid) {
        String status = read(proc.resolve(tid + "/status"));
        if (status == null) {
            return null;
        }
        String tgid = Integer.toString(tid);
        for (String line : status.split("\n")) {
            if (line.startsWith("Tgid:")) {
                tgid = line.substring(5).strip();
            }
        }
        Process p = new Process();
        p.comm = comm(tid);
        String cmdline = read(proc.resolve(tgid + "/cmdline"));
        if (cmdline != null) {
            String[] args = cmdline.split("\0");
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("-name")) {
                    p.vm = libvirtName(args[i + 1]);
                } else if (args[i].equals("-uuid")) {
                    p.uuid = args[i + 1];
                }
            }
        }
        String cgroup = read(proc.resolve(tgid + "/cgroup"));
        p.cgroup = cgroup == null ? null : cgroup.strip();
        return p;
    }

    /** {@code guest=NAME,debug-threads=on} (libvirt) or {@code NAME[,...]} (plain QEMU). */
    static String libvirtName(String arg) {
        for (String part : arg.split(",")) {
            if (part.startsWith("guest=")) {
                return part.substring(6);
            }
        }
        String first = arg.split(",")[0];
        return first.contains("=") ? null : first;
    }

    private static String read(Path p) {
        try {
            return KernelFiles.read(p);
        } catch (IOException e) {
            return null;
        }
    }

    /** The labelling facts of one process. */
    static final class Process {
        String comm;
        String vm;
        String uuid;
        String cgroup;
    }
}
