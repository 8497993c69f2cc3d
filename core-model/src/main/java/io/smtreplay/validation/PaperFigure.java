package io.smtreplay.validation;

import java.util.Objects;

/**
 * One published number the model is checked against, and whether it was used to calibrate the
 * profile (in-sample: agreement is expected and proves only the arithmetic) or not (held-out:
 * agreement is evidence, a miss is a finding).
 *
 * @param id      short stable id ({@code fig7.netperf-rr-latency})
 * @param source  where it is printed ({@code ISCA'19 Fig. 7})
 * @param what    what the number is
 * @param value   the number, in {@code unit}
 * @param unit    {@code x} for a speedup, {@code us}, {@code cycles}…
 * @param role    in-sample, held-out, or a bound the projection must respect
 */
public record PaperFigure(String id, String source, String what, double value, String unit, Role role) {

    public enum Role {
        IN_SAMPLE("in-sample"), HELD_OUT("held-out");

        private final String word;

        Role(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public PaperFigure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
    }
}
