package io.smtreplay.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of {@code perf kvm stat report}, from a stream of trace events: per (level, exit
 * reason) the number of exits and the handling time, i.e. from the {@code kvm_exit} to the next
 * {@code kvm_entry} of the same vCPU thread. An exit followed on its thread by
 * {@code kvm_nested_vmexit} before the next entry is an L2 exit (L0 prints kvm_nested_vmexit for
 * exits of L2 only). An exit whose thread never re-enters is counted but has no handling time.
 * Events of different sources never pair: feed one source at a time and call
 * {@link #endOfSource()} between sources.
 */
public final class ExitStatistics {

    /** One row of the table. Times in nanoseconds; min/avg/percentiles are null when no exit had a time. */
    public record Row(ExitLevel level, Isa isa, String reason, long samples, long timedSamples, Long minNs, Double avgNs,
                      Long p50Ns, Long p99Ns, Long maxNs) {
    }

    private record Key(ExitLevel level, Isa isa, String reason) {
    }

    private static final class Cell {
        long samples;
        final Histogram handling = new Histogram(3);
    }

    private static final class OpenExit {
        final long timestampNs;
        final ExitReason reason;
        final Isa isa;
        ExitLevel level = ExitLevel.L1;

        OpenExit(long timestampNs, ExitReason reason, Isa isa) {
            this.timestampNs = timestampNs;
            this.reason = reason;
            this.isa = isa;
        }
    }

    private final Map<Key, Cell> cells = new HashMap<>();
    private final Map<Integer, OpenExit> openByThread = new HashMap<>();
    private long exits;

    public void accept(TraceEvent event) {
        accept(event.kind(), event.tid(), event.timestampNs(), event.reason(), event.isa());
    }

    /**
     * One event by the fields the table needs ({@code timestampNs} {@link TraceEvent#NO_TIMESTAMP}
     * when the line had none), for readers that do not build a {@link TraceEvent}.
     */
    public void accept(EventKind kind, int tid, long timestampNs, ExitReason reason, Isa isa) {
        switch (kind) {
            case EXIT -> {
                closeWithoutEntry(tid);
                openByThread.put(tid, new OpenExit(timestampNs, reason, isa));
                exits++;
            }
            case NESTED_VMEXIT -> {
                OpenExit open = openByThread.get(tid);
                if (open != null) {
                    open.level = ExitLevel.L2;
                }
            }
            case ENTRY -> {
                OpenExit open = openByThread.remove(tid);
                if (open != null) {
                    Cell cell = cell(open);
                    cell.samples++;
                    if (open.timestampNs != TraceEvent.NO_TIMESTAMP && timestampNs != TraceEvent.NO_TIMESTAMP
                            && timestampNs >= open.timestampNs) {
                        cell.handling.recordValue(timestampNs - open.timestampNs);
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Adds the table of other sources (read apart, e.g. on another thread; both closed with
     * {@link #endOfSource()}): the rows are those of reading them all into one table, since exits
     * never pair across sources and histograms add exactly.
     */
    public void merge(ExitStatistics other) {
        exits += other.exits;
        other.cells.forEach((k, c) -> {
            Cell mine = cells.computeIfAbsent(k, key -> new Cell());
            mine.samples += c.samples;
            mine.handling.add(c.handling);
        });
    }

    /** Closes exits still open at the end of a source: counted, with no handling time. */
    public void endOfSource() {
        for (Integer tid : List.copyOf(openByThread.keySet())) {
            closeWithoutEntry(tid);
        }
    }

    private void closeWithoutEntry(int tid) {
        OpenExit open = openByThread.remove(tid);
        if (open != null) {
            cell(open).samples++;
        }
    }

    private Cell cell(OpenExit open) {
        ExitReason r = open.reason;
        String name = r == null ? "?" : r.toString();
        return cells.computeIfAbsent(new Key(open.level, open.isa, name), k -> new Cell());
    }

    /** All exits seen (including ones still open). */
    public long exits() {
        return exits;
    }

    /** The rows, by level then samples descending; call {@link #endOfSource()} first. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        cells.forEach((k, c) -> {
            Histogram h = c.handling;
            long n = h.getTotalCount();
            rows.add(new Row(k.level(), k.isa(), k.reason(), c.samples, n,
                    n == 0 ? null : h.getMinValue(), n == 0 ? null : h.getMean(),
                    n == 0 ? null : h.getValueAtPercentile(50), n == 0 ? null : h.getValueAtPercentile(99),
                    n == 0 ? null : h.getMaxValue()));
        });
        rows.sort(Comparator.comparing(Row::level).thenComparing(Row::samples, Comparator.reverseOrder())
                .thenComparing(Row::reason));
        return rows;
    }
}
