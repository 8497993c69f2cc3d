package io.smtreplay.replay.function;

import io.smtreplay.projection.ProjectionAccumulator;

/**
 * What one host's threads of an app contributed to one window of the app: the per-host
 * pre-aggregate that the app window merges (one record per host, app and window crosses the
 * network, not one per episode). A Flink POJO.
 */
public final class HostWindow {

    public String app;
    public long windowStartNs;
    public ProjectionAccumulator projection;

    public HostWindow() {
    }

    public HostWindow(String app, long windowStartNs, ProjectionAccumulator projection) {
        this.app = app;
        this.windowStartNs = windowStartNs;
        this.projection = projection;
    }
}
