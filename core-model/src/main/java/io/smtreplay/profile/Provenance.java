package io.smtreplay.profile;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one number of a profile comes from, and how it was obtained.
 *
 * @param kind   measured, derived (arithmetic on measured numbers), fitted (solved from figures
 *               by the calibration) or assumed (no data; a stated guess)
 * @param source the citation and, for derived or fitted numbers, how
 */
public record Provenance(Kind kind, String source) implements Serializable {

    public enum Kind {
        MEASURED, DERIVED, FITTED, ASSUMED;

        /** The word a profile file uses: {@code measured}, {@code derived}, {@code fitted}, {@code assumed}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind ofWord(String word) {
            for (Kind k : values()) {
                if (k.word().equals(word)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("\"kind\" must be one of measured, derived, fitted, assumed, not \""
                    + word + "\"");
        }
    }

    public Provenance {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    @Override
    public String toString() {
        return kind.word() + ": " + source;
    }
}
