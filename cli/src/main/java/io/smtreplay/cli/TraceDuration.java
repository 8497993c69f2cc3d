package io.smtreplay.cli;

import io.smtreplay.trace.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** picocli's side of {@link Durations}: the one duration syntax, a usage error for anything else. */
public final class TraceDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
