package io.smtreplay.ingest.ftrace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tracefs {@code events/<system>/<event>/format} file: the event's id (the record's
 * {@code common_type}), its fields and its print format. Also the ring buffer's own
 * {@code header_page} is read with {@link #parseFields}, as it has the same {@code field:} lines.
 *
 * @param system   the trace system ({@code kvm}), from the directory the file came from
 * @param name     the event ({@code kvm_exit})
 * @param id       the {@code ID:} line, the value of {@code common_type} in its records
 * @param fields   every field in file order, common ones first, by name
 * @param printFmt the {@code print fmt:} line after the colon, as written (empty when absent)
 */
public record EventFormat(String system, String name, int id, Map<String, FieldLayout> fields, String printFmt) {

    public EventFormat {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The field called {@code name}, or null if this kernel's event has none. */
    public FieldLayout field(String name) {
        return fields.get(name);
    }

    /** The first of {@code names} the event has (kernels renamed fields), or null. */
    public FieldLayout firstField(String... names) {
        for (String n : names) {
            FieldLayout f = fields.get(n);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Parses a format file of {@code system}; the event's name comes from its {@code name:} line. */
    public static EventFormat parse(String system, String text) throws CorruptTraceException {
        String name = null;
        Integer id = null;
        String printFmt = "";
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("name:")) {
                name = l.substring(5).strip();
            } else if (l.startsWith("ID:")) {
                try {
                    id = Integer.parseInt(l.substring(3).strip());
                } catch (NumberFormatException e) {
                    throw new CorruptTraceException("format of " + system + "/" + name + ": ID is not a number: " + l, -1);
                }
            } else if (l.startsWith("print fmt:")) {
                printFmt = l.substring("print fmt:".length()).strip();
            }
        }
        if (name == null || id == null) {
            throw new CorruptTraceException("a format file of system " + system + " without its name: or ID: line", -1);
        }
        Map<String, FieldLayout> fields = new LinkedHashMap<>();
        for (FieldLayout f : parseFields(text, system + "/" + name)) {
            fields.putIfAbsent(f.name(), f);
        }
        return new EventFormat(system, name, id, fields, printFmt);
    }

    /**
     * The {@code field:} lines of a format text, in order:
     * {@code field:unsigned long guest_rip;	offset:16;	size:8;	signed:0;}. {@code signed:} is
     * missing on old kernels (then false).
     */
    public static List<FieldLayout> parseFields(String text, String what) throws CorruptTraceException {
        List<FieldLayout> fields = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.startsWith("field:")) {
                continue;
            }
            int semi = l.indexOf(';');
            if (semi < 0) {
                throw new CorruptTraceException(what + ": field line without ';': " + l, -1);
            }
            String declaration = l.substring("field:".length(), semi).strip();
            Integer offset = null;
            Integer size = null;
            boolean signed = false;
            for (String part : l.substring(semi + 1).split(";")) {
                String p = part.strip();
                int colon = p.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = p.substring(0, colon).strip();
                String value = p.substring(colon + 1).strip();
                try {
                    switch (key) {
                        case "offset" -> offset = Integer.parseInt(value);
                        case "size" -> size = Integer.parseInt(value);
                        case "signed" -> signed = Integer.parseInt(value) != 0;
                        default -> { }
                    }
                } catch (NumberFormatException e) {
                    throw new CorruptTraceException(what + ": " + key + " is not a number: " + l, -1);
                }
            }
            if (offset == null || size == null || offset < 0 || size < 0) {
                throw new CorruptTraceException(what + ": field without offset or size: " + l, -1);
            }
            fields.add(declared(declaration, offset, size, signed, what));
        }
        return fields;
    }

    private static FieldLayout declared(String declaration, int offset, int size, boolean signed, String what)
            throws CorruptTraceException {
        boolean dataLoc = declaration.startsWith("__data_loc ") || declaration.startsWith("__rel_loc ");
        String d = dataLoc ? declaration.substring(declaration.indexOf(' ') + 1).strip() : declaration;
        int arrayLength = 0;
        // the name is the last identifier; "char name[16]" and "__data_loc char[] name" both occur
        String withoutArray = d;
        int bracket = d.lastIndexOf('[');
        if (bracket > 0 && d.endsWith("]")) {
            String len = d.substring(bracket + 1, d.length() - 1).strip();
            withoutArray = d.substring(0, bracket).strip();
            if (!len.isEmpty()) {
                try {
                    arrayLength = Integer.parseInt(len);
                } catch (NumberFormatException e) {
                    arrayLength = -1; // a length given by a macro: known only from size
                }
            }
        }
        int space = withoutArray.lastIndexOf(' ');
        if (space < 0) {
            throw new CorruptTraceException(what + ": field declaration without a type: " + declaration, -1);
        }
        String name = withoutArray.substring(space + 1).replace("*", "");
        String type = withoutArray.substring(0, space).strip() + (bracket > 0 && d.endsWith("]") ? "[]" : "");
        if (arrayLength < 0) {
            arrayLength = size; // elements unknown: treat as bytes
        }
        return new FieldLayout(name, type, offset, size, signed, arrayLength, dataLoc);
    }
}
