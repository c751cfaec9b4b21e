package io.switchboard.cli;

import io.switchboard.server.config.Setting;
import io.switchboard.server.config.InvalidConfigException;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations as settings are written: {@code 250ms}, {@code 10s}, {@code 15m}, {@code 1h}, {@code 7d}. */
final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Setting.parseDuration("duration", value);
        } catch (InvalidConfigException e) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s, 15m, 1h or 7d");
        }
    }
}
