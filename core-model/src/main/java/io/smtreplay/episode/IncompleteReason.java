package io.smtreplay.episode;

/**
 * Why an episode could not be reconstructed whole. An incomplete episode is counted and kept
 * with its reason, but its time is not projected (it is reported as unmodelled time).
 */
public enum IncompleteReason {
    /** The trace began inside the episode: its opening exit is before the first event. */
    STARTED_BEFORE_TRACE,
    /** The trace (or the input, or an idle timeout) ended inside the episode. */
    TRACE_ENDED,
    /** An event that only happens in L0 came while the guest was running: the exit was lost. */
    MISSING_EXIT,
    /** An exit came while L0 was handling the previous one: the entry between them was lost. */
    MISSING_ENTRY,
    /** L2 exited while L1 was thought to be running: the entry into L2 was lost. */
    MISSING_NESTED_ENTRY,
    /** Two entries without an exit between them. */
    ENTRY_WITHOUT_EXIT,
    /** A nested event that cannot happen in the current state (e.g. an inject while L1 runs its own exit). */
    UNEXPECTED_EVENT,
    /** A timestamp earlier than the previous event of the same vCPU thread. */
    TIME_WENT_BACKWARDS,
    /** The tracer reported lost events (ring-buffer overrun) while the episode was open. */
    EVENTS_LOST,
    /** Some event of the episode had no timestamp (pasted traces): its structure is known, not its time. */
    NO_TIMESTAMP
}
