package io.switchboard.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats frame timestamps: ISO-8601 UTC with milliseconds and {@code Z}. */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** {@code 2026-11-29T07:02:54.123Z} for the given milliseconds since the epoch. */
    public static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Parses a timestamp written by {@link #format}. */
    public static long parse(String timestamp) {
        return Instant.from(FORMAT.parse(timestamp)).toEpochMilli();
    }
}
