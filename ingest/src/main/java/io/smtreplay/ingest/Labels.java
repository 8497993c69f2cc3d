package io.smtreplay.ingest;

import java.util.Objects;

/** Where events ran and whose they are: the L0 host, the VM (nullable), the customer application. */
public record Labels(String host, String vm, String app) {
    public Labels {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(app, "app");
    }
}
