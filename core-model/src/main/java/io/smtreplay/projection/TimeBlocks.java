package io.smtreplay.projection;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The time totals of an app cut into blocks of event time, so the speedups can be resampled: a
 * {@link #interval bootstrap} over blocks gives their confidence interval. Blocks are 1 ms of event
 * time, doubled (neighbours merged) whenever there would be more than {@value #MAX_BLOCKS}: memory
 * stays bounded, and because a block is fixed by time, merging partial results (workers, windows)
 * gives the same blocks whatever the split. Resampling is seeded, so the interval is deterministic.
 */
public final class TimeBlocks implements Serializable {

    private static final long serialVersionUID = 1L;

    static final long BASE_BLOCK_NS = 1_000_000;
    static final int MAX_BLOCKS = 4096;
    /** Fewer complete episodes than this, or fewer non-empty blocks: no interval ("not enough data"). */
    public static final int MIN_EPISODES = 30;
    public static final int MIN_BLOCKS = 10;
    static final int RESAMPLES = 1000;
    static final long SEED = 0x5EED_2019L;

    private static final int GUEST = 0;
    private static final int BASELINE = 1;
    private static final int WAIT = 2;
    private static final int EPISODES = 3;
    private static final int FIXED = 4;

    private final int configurations;
    private int shift;
    /** Block index → [guest, baseline, wait, episodes, projected × n, projected wait × n]. */
    private final TreeMap<Long, long[]> blocks = new TreeMap<>();

    TimeBlocks(int configurations) {
        this.configurations = configurations;
    }

    /** A 95 % interval of a speedup, from {@link TimeBlocks#RESAMPLES} resamples of the blocks. */
    public record Interval(double low, double high) implements Serializable {
    }

    private long[] block(long atNs) {
        long key = Math.floorDiv(atNs, BASE_BLOCK_NS << shift);
        long[] b = blocks.get(key);
        if (b == null) {
            if (blocks.size() >= MAX_BLOCKS) {
                coarsen();
                return block(atNs);
            }
            b = new long[FIXED + 2 * configurations];
            blocks.put(key, b);
        }
        return b;
    }

    /** Doubles the block length: neighbours merge. */
    private void coarsen() {
        shift++;
        TreeMap<Long, long[]> old = new TreeMap<>(blocks);
        blocks.clear();
        old.forEach((key, values) -> add(blocks, Math.floorDiv(key, 2), values));
    }

    private static void add(Map<Long, long[]> into, long key, long[] values) {
        long[] b = into.get(key);
        if (b == null) {
            into.put(key, values.clone());
        } else {
            for (int i = 0; i < b.length; i++) {
                b[i] += values[i];
            }
        }
    }

    void addGuest(long atNs, long ns) {
        block(atNs)[GUEST] += ns;
    }

    void addEpisode(long atNs, long baseline, long[] projected, long wait) {
        long[] b = block(atNs);
        b[BASELINE] += baseline;
        b[WAIT] += wait;
        b[EPISODES]++;
        for (int i = 0; i < configurations; i++) {
            b[FIXED + i] += projected[i];
            b[FIXED + configurations + i] += wait;
        }
    }

    void shortenWait(long atNs, long wait, long[] saved) {
        long[] b = block(atNs);
        for (int i = 0; i < configurations; i++) {
            b[FIXED + configurations + i] -= Math.max(0, Math.min(wait, saved[i]));
        }
    }

    void merge(TimeBlocks other) {
        while (shift < other.shift) {
            coarsen();
        }
        TreeMap<Long, long[]> theirs = new TreeMap<>();
        other.blocks.forEach((key, values) -> add(theirs, key >> (shift - other.shift), values));
        theirs.forEach((key, values) -> add(blocks, key, values));
        while (blocks.size() > MAX_BLOCKS) {
            coarsen();
        }
    }

    /** Complete episodes in all blocks. */
    public long episodes() {
        return blocks.values().stream().mapToLong(b -> b[EPISODES]).sum();
    }

    /** Blocks that hold at least one episode. */
    public int blocksWithEpisodes() {
        return (int) blocks.values().stream().filter(b -> b[EPISODES] > 0).count();
    }

    /** True when there are enough episodes and blocks for an interval. */
    public boolean enoughData() {
        return episodes() >= MIN_EPISODES && blocksWithEpisodes() >= MIN_BLOCKS;
    }

    /**
     * The 2.5th and 97.5th percentiles of a speedup over {@value #RESAMPLES} resamples (with
     * replacement) of the blocks; null when there is not {@link #enoughData enough data}.
     *
     * @param index     the configuration
     * @param wallClock the wall-clock speedup (with waits) rather than the CPU-time one
     */
    public Interval interval(int index, boolean wallClock) {
        if (!enoughData()) {
            return null;
        }
        long[][] all = blocks.values().toArray(new long[0][]);
        double[] before = new double[all.length];
        double[] after = new double[all.length];
        for (int k = 0; k < all.length; k++) {
            long[] b = all[k];
            before[k] = b[GUEST] + b[BASELINE] + (wallClock ? b[WAIT] : 0);
            after[k] = b[GUEST] + b[FIXED + index] + (wallClock ? b[FIXED + configurations + index] : 0);
        }
        Random random = new Random(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double sb = 0;
            double sa = 0;
            for (int k = 0; k < all.length; k++) {
                int pick = random.nextInt(all.length);
                sb += before[pick];
                sa += after[pick];
            }
            ratios[r] = sa == 0 ? 1.0 : sb / sa;
        }
        Arrays.sort(ratios);
        return new Interval(ratios[(int) Math.floor(0.025 * (RESAMPLES - 1))],
                ratios[(int) Math.ceil(0.975 * (RESAMPLES - 1))]);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TimeBlocks t) || shift != t.shift || !blocks.keySet().equals(t.blocks.keySet())) {
            return false;
        }
        return blocks.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), t.blocks.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return blocks.keySet().hashCode() * 31 + shift;
    }
}
