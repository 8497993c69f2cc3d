package io.smtreplay.replay.function;

import io.smtreplay.projection.ProjectionAccumulator;

/**
 * What one vCPU thread contributed to one window of its app: the per-vCPU pre-aggregate that
 * the app window merges (one record per vCPU and window crosses the network, not one per episode).
 * A Flink POJO.
 */
public final class VcpuWindow {

    public String app;
    public long windowStartNs;
    public ProjectionAccumulator projection;

    public VcpuWindow() {
    }

    public VcpuWindow(String app, long windowStartNs, ProjectionAccumulator projection) {
        this.app = app;
        this.windowStartNs = windowStartNs;
        this.projection = projection;
    }
}
