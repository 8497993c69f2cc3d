package io.smtreplay.schemas;

import io.smtreplay.trace.NestedEntry;

/**
 * The one home of the nested-entry context's field-by-field copies: the model's
 * {@link NestedEntry}, {@link ExitEvent}'s {@link NestedEntryFields} and {@link ExitEventBatch}'s
 * {@link BatchNestedEntry} carry the same fields, and a field added to one is added here to all.
 * Null in, null out.
 */
final class NestedEntries {

    private NestedEntries() {
    }

    static NestedEntryFields toWire(NestedEntry n) {
        return n == null ? null : NestedEntryFields.newBuilder()
                .setRip(n.rip()).setVmcb(n.vmcb()).setNestedRip(n.nestedRip())
                .setIntCtl(n.intCtl()).setEventInj(n.eventInj())
                .setTdpEnabled(n.tdpEnabled()).setGuestPgd(n.guestPgd())
                .build();
    }

    static NestedEntry toModel(NestedEntryFields n) {
        return n == null ? null : new NestedEntry(n.getRip(), n.getVmcb(), n.getNestedRip(),
                n.getIntCtl(), n.getEventInj(), n.getTdpEnabled(), n.getGuestPgd());
    }

    static BatchNestedEntry toBatchColumn(NestedEntryFields n) {
        return n == null ? null : BatchNestedEntry.newBuilder()
                .setRip(n.getRip()).setVmcb(n.getVmcb()).setNestedRip(n.getNestedRip())
                .setIntCtl(n.getIntCtl()).setEventInj(n.getEventInj())
                .setTdpEnabled(n.getTdpEnabled()).setGuestPgd(n.getGuestPgd())
                .build();
    }

    static NestedEntryFields fromBatchColumn(BatchNestedEntry n) {
        return n == null ? null : NestedEntryFields.newBuilder()
                .setRip(n.getRip()).setVmcb(n.getVmcb()).setNestedRip(n.getNestedRip())
                .setIntCtl(n.getIntCtl()).setEventInj(n.getEventInj())
                .setTdpEnabled(n.getTdpEnabled()).setGuestPgd(n.getGuestPgd())
                .build();
    }
}
