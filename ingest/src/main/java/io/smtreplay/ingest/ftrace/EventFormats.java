package io.smtreplay.ingest.ftrace;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The format files of one kernel, by event id, with the ring buffer's layout: everything needed
 * to decode that kernel's pages. Build it from a trace.dat's header sections, or from tracefs with
 * {@link TracefsFormats}.
 */
public final class EventFormats {
    private final RingBufferLayout layout;
    private final Map<Integer, EventFormat> byId = new HashMap<>();
    private final FieldLayout commonType;
    private final FieldLayout commonPid;

    public EventFormats(RingBufferLayout layout, Collection<EventFormat> formats) throws CorruptTraceException {
        this.layout = layout;
        FieldLayout type = null;
        FieldLayout pid = null;
        for (EventFormat f : formats) {
            byId.put(f.id(), f);
            if (type == null && f.field("common_type") != null) {
                type = f.field("common_type");
                pid = f.field("common_pid");
            }
        }
        if (type == null || pid == null) {
            throw new CorruptTraceException("no event format declares common_type and common_pid", -1);
        }
        this.commonType = type;
        this.commonPid = pid;
    }

    public RingBufferLayout layout() {
        return layout;
    }

    /** The format whose records carry {@code common_type == id}, or null. */
    public EventFormat byId(int id) {
        return byId.get(id);
    }

    public int size() {
        return byId.size();
    }

    /** {@code common_type}: where every record says which event it is. */
    public FieldLayout commonType() {
        return commonType;
    }

    /** {@code common_pid}: the thread that hit the tracepoint. */
    public FieldLayout commonPid() {
        return commonPid;
    }
}
