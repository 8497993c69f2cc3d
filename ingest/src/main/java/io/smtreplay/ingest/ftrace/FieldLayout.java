package io.smtreplay.ingest.ftrace;

/**
 * One {@code field:} line of a tracefs format file: where a value sits in the record and how wide
 * it is, as the kernel that wrote the record says.
 *
 * @param name        the field's name ({@code exit_reason})
 * @param type        the C type as declared ({@code unsigned int}, {@code u8[15]}, {@code __data_loc char[]})
 * @param offset      bytes from the start of the record (common fields included)
 * @param size        bytes the field occupies (a {@code __data_loc} field: its 4-byte locator)
 * @param signed      whether the kernel declared it signed
 * @param arrayLength elements of a fixed array ({@code insn[15]}), 0 for a scalar
 * @param dataLoc     a {@code __data_loc} field: the value is elsewhere in the record (offset in the
 *                    low 16 bits of the locator, length in the high 16)
 */
public record FieldLayout(String name, String type, int offset, int size, boolean signed, int arrayLength, boolean dataLoc) {

    /** A scalar the reader can return as one number (1, 2, 4 or 8 bytes). */
    public boolean isNumber() {
        return arrayLength == 0 && !dataLoc && (size == 1 || size == 2 || size == 4 || size == 8);
    }

    /** Text: a {@code char} array or a {@code __data_loc char[]} string. */
    public boolean isText() {
        return (arrayLength > 0 || dataLoc) && type.startsWith("char");
    }
}
