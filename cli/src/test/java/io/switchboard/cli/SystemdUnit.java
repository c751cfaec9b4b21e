package io.switchboard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A systemd unit file read as systemd reads it: {@code [Section]} headers, {@code Key=Value}
 * lines (a key may be given several times; an empty value resets a list), comment lines
 * starting with {@code #} or {@code ;}, and lines continued by a trailing backslash. Also what
 * systemd makes of Environment=, EnvironmentFile= files, ExecStart= and time spans, as far as
 * the unit here uses them (no specifiers such as {@code %i}, no C escapes).
 */
final class SystemdUnit {
    private static final Pattern WHOLE_VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern BRACED_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern TIME_PART = Pattern.compile(
            "(\\d+)\\s*(usec|us|msec|ms|seconds|second|sec|s|minutes|minute|min|m|hours|hour|hr|h|)\\s*");

    /** Section -> key -> values, in the file's order. */
    private final Map<String, Map<String, List<String>>> sections;

    private SystemdUnit(Map<String, Map<String, List<String>>> sections) {
        this.sections = sections;
    }

    static SystemdUnit read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static SystemdUnit parse(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> section = null;
        StringBuilder continued = null;
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (continued != null) {
                line = continued + " " + line;
                continued = null;
            }
            if (line.endsWith("\\")) {
                continued = new StringBuilder(line.substring(0, line.length() - 1).strip());
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = sections.computeIfAbsent(line.substring(1, line.length() - 1), name -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (section == null || eq <= 0) {
                throw new IllegalArgumentException("not a setting in a section: " + raw);
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            List<String> values = section.computeIfAbsent(key, k -> new ArrayList<>());
            if (value.isEmpty()) {
                values.clear();
            }
            values.add(value);
        }
        if (continued != null) {
            throw new IllegalArgumentException("the file ends inside a continued line");
        }
        return new SystemdUnit(sections);
    }

    /** Every value of {@code key} in {@code section}, in order (after the last empty one). */
    List<String> values(String section, String key) {
        return List.copyOf(sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of()));
    }

    /** The value that counts: the last one. */
    Optional<String> value(String section, String key) {
        List<String> values = values(section, key);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** The variables of the {@code Environment=} lines of [Service]. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String value : values("Service", "Environment")) {
            for (String assignment : Words.split(value)) {
                int eq = assignment.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("Environment=" + value + ": not NAME=VALUE: " + assignment);
                }
                env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
            }
        }
        return env;
    }

    /** The variables of an environment file: {@code NAME=VALUE} lines, comments and blank lines skipped, quotes removed. */
    static Map<String, String> environmentFile(List<String> lines) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not NAME=VALUE: " + raw);
            }
            String value = line.substring(eq + 1).strip();
            List<String> words = value.isEmpty() ? List.of("") : Words.split(value);
            env.put(line.substring(0, eq).strip(), String.join(" ", words));
        }
        return env;
    }

    /**
     * A command line of [Service] ({@code ExecStart=}) as systemd runs it: words split, a word
     * that is only {@code $NAME} becoming the value's words, {@code ${NAME}} replaced in place.
     * Prefixes such as {@code -} or {@code +} are refused: the unit here has none.
     */
    List<String> command(String key, Map<String, String> env) {
        List<String> lines = values("Service", key);
        if (lines.size() != 1) {
            throw new IllegalArgumentException("expected one " + key + "=, found " + lines);
        }
        List<String> words = new ArrayList<>();
        for (String word : Words.split(lines.get(0))) {
            Matcher whole = WHOLE_VARIABLE.matcher(word);
            if (whole.matches()) {
                String value = env.getOrDefault(whole.group(1), "");
                words.addAll(Words.split(value));
                continue;
            }
            Matcher braced = BRACED_VARIABLE.matcher(word);
            words.add(braced.replaceAll(match -> Matcher.quoteReplacement(env.getOrDefault(match.group(1), ""))));
        }
        if (words.isEmpty() || !words.get(0).startsWith("/")) {
            throw new IllegalArgumentException(key + "= must start with an absolute path: " + lines.get(0));
        }
        return List.copyOf(words);
    }

    /** A time span as systemd writes it: {@code 30s}, {@code 30} (seconds), {@code 1min 30s}, {@code 500ms}. */
    static Duration timeSpan(String text) {
        String rest = text.strip();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("an empty time span");
        }
        Duration total = Duration.ZERO;
        Matcher part = TIME_PART.matcher(rest);
        int at = 0;
        while (at < rest.length()) {
            if (!part.find(at) || part.start() != at) {
                throw new IllegalArgumentException("not a time span: " + text);
            }
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "us", "usec" -> Duration.ofNanos(n * 1000);
                case "ms", "msec" -> Duration.ofMillis(n);
                case "", "s", "sec", "second", "seconds" -> Duration.ofSeconds(n);
                case "m", "min", "minute", "minutes" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            at = part.end();
        }
        return total;
    }
}
