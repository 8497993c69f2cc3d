package io.smtreplay.cli;

import io.smtreplay.profile.ProfileException;

/** Parses {@code --sweep PARAM=FROM:TO:STEP} (ns). */
final class SweepOption {

    record Range(String parameter, long fromNs, long toNs, long stepNs) {
    }

    private SweepOption() {
    }

    static Range parse(String text) {
        int eq = text.indexOf('=');
        String[] parts = eq < 0 ? new String[0] : text.substring(eq + 1).split(":", -1);
        if (eq <= 0 || parts.length != 3) {
            throw new ProfileException("--sweep takes PARAM=FROM:TO:STEP (ns), e.g. handoff.svt-hw=0:400:50, not '"
                    + text + "'");
        }
        try {
            return new Range(text.substring(0, eq).trim(), Long.parseLong(parts[0].trim()),
                    Long.parseLong(parts[1].trim()), Long.parseLong(parts[2].trim()));
        } catch (NumberFormatException e) {
            throw new ProfileException("--sweep: FROM, TO and STEP are whole nanoseconds, not '" + text + "'");
        }
    }
}
