package io.smtreplay.replay.function;

/**
 * A tick's runs merged in trace order ({@link TickRun#before}, a strict total order: ties end in
 * arrival order): a binary min-heap of the runs with events left, so each event costs O(log runs)
 * comparisons. Keyed by host, a tick holds the records of all the host's threads (tens of runs),
 * where keyed by vCPU it held one or two.
 */
final class TickMerge {

    private final TickRun[] heap;
    private int size;

    /** Over the first {@code count} runs of {@code runs} (left in their order: it is the next tick's arrival order). */
    TickMerge(TickRun[] runs, int count) {
        this.heap = new TickRun[count];
        for (int i = 0; i < count; i++) {
            if (runs[i].hasNext()) {
                heap[size++] = runs[i];
            }
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** The run whose current event comes first, or null when every run is done. */
    TickRun next() {
        return size == 0 ? null : heap[0];
    }

    /** The run returned by {@link #next} moved on (replayed or skipped an event): it takes its new place. */
    void advanced() {
        if (!heap[0].hasNext()) {
            heap[0] = heap[--size];
            heap[size] = null;
        }
        siftDown(0);
    }

    private void siftDown(int i) {
        while (true) {
            int first = i;
            int left = 2 * i + 1;
            int right = left + 1;
            if (left < size && heap[left].before(heap[first])) {
                first = left;
            }
            if (right < size && heap[right].before(heap[first])) {
                first = right;
            }
            if (first == i) {
                return;
            }
            TickRun t = heap[i];
            heap[i] = heap[first];
            heap[first] = t;
            i = first;
        }
    }
}
