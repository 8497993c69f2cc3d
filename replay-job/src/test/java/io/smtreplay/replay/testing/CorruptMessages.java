package io.smtreplay.replay.testing;

import io.smtreplay.schemas.EventKindCode;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;

/** Wire messages broken in known ways, for the refusal tests. */
public final class CorruptMessages {

    private CorruptMessages() {
    }

    /**
     * The event's message with an out-of-range {@code kind} ordinal (50, of 10 symbols): the byte
     * found as the one where the ENTRY and EXIT encodings first differ. Every routing field reads
     * cleanly (an enum is skipped without a range check), so only a full decode refuses it.
     */
    public static byte[] withBadKindOrdinal(ExitEvent e) {
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        byte[] entry = codec.encode(ExitEvent.newBuilder(e).setKind(EventKindCode.ENTRY).build());
        byte[] exit = codec.encode(ExitEvent.newBuilder(e).setKind(EventKindCode.EXIT).build());
        int at = 0;
        while (entry[at] == exit[at]) {
            at++;
        }
        entry[at] = (byte) (50 << 1); // zig-zag varint: one byte for values below 64
        return entry;
    }
}
