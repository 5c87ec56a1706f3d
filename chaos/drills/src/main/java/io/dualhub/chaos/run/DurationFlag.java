package io.dualhub.chaos.run;

import io.dualhub.common.config.Settings;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A flag's duration, written as the configuration writes one (90s, 5m, 1h). */
final class DurationFlag implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration d = Settings.parseDuration(value);
        if (d == null) {
            throw new TypeConversionException("'" + value + "' is not a duration (written like 90s, 5m, 1h)");
        }
        return d;
    }
}
