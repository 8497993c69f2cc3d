package io.smtreplay.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smtreplay.trace.NestedEntry;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The nested-entry context through every copy, field by field, and the three types in step. */
class NestedEntriesTest {

    @Test
    void everyFieldSurvivesEveryCopy() {
        NestedEntry model = new NestedEntry(1, 2, 3, 4, 5, true, 6L);
        NestedEntryFields wire = NestedEntries.toWire(model);
        assertEquals(model, NestedEntries.toModel(NestedEntries.fromBatchColumn(NestedEntries.toBatchColumn(wire))));
        NestedEntry withoutPgd = new NestedEntry(7, 8, 9, 10, 11, false, null);
        assertEquals(withoutPgd, NestedEntries.toModel(NestedEntries.fromBatchColumn(
                NestedEntries.toBatchColumn(NestedEntries.toWire(withoutPgd)))));
        assertNull(NestedEntries.toWire(null));
        assertNull(NestedEntries.toModel(null));
        assertNull(NestedEntries.toBatchColumn(null));
        assertNull(NestedEntries.fromBatchColumn(null));
    }

    /** A field added to one of them and not to the others (and to the copies) fails here. */
    @Test
    void theThreeTypesHaveTheSameFields() {
        List<String> model = Arrays.stream(NestedEntry.class.getRecordComponents()).map(c -> c.getName()).toList();
        assertEquals(model, names(NestedEntryFields.getClassSchema()));
        assertEquals(model, names(BatchNestedEntry.getClassSchema()));
    }

    private static List<String> names(Schema record) {
        return record.getFields().stream().map(Schema.Field::name).toList();
    }
}
