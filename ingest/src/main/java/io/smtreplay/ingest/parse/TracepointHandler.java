package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import java.util.Set;

/**
 * Decodes the payload of one family of kvm tracepoints (Trace Compass style: one handler per
 * family), in every kernel and libtraceevent variant of its print format.
 */
interface TracepointHandler {

    /** Fills the builder from the payload's tokens or throws with why it cannot. */
    void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException;

    /** The field names the format prints (without colons): they gate re-joining wrapped lines. */
    Set<String> keys();

    /**
     * Whether the payload already holds the format's last field. A wrapped record is re-joined only
     * while this is false (see {@link TraceLineParser}).
     */
    boolean complete(String[] tokens);
}
