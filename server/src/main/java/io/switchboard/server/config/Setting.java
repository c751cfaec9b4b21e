package io.switchboard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One setting of a node: its key in a file, its environment variable, its flag, how its text is
 * read, its default, the checks its value must pass and its help. {@link Settings} lists them
 * all; the file reader, the environment, the {@code serve} flags, {@code config check} and the
 * help are all driven by that list, so a setting is described once.
 *
 * @param <T> the value's type
 */
public final class Setting<T> {
    private final String key;
    private final Function<String, T> parse;
    private final Function<T, Object> render;
    private final Supplier<T> defaultValue;
    private final String help;
    private final boolean list;
    private String label;
    private String flag;
    private String defaultText;
    private boolean secret;
    private final List<Check<T>> checks = new ArrayList<>();

    private Setting(String key, Function<String, T> parse, Function<T, Object> render, Supplier<T> defaultValue,
                    String help, boolean list, String label) {
        this.key = Objects.requireNonNull(key, "key");
        this.parse = parse;
        this.render = render;
        this.defaultValue = defaultValue;
        this.help = help;
        this.list = list;
        this.label = label;
        this.flag = "--" + key.replace('.', '-');
    }

    static Setting<String> text(String key, String defaultValue, String help) {
        return new Setting<>(key, v -> v, v -> v, () -> defaultValue, help, false, "TEXT");
    }

    static Setting<Integer> integer(String key, int defaultValue, String help) {
        return new Setting<>(key, v -> parseInteger(key, v), v -> v, () -> defaultValue, help, false, "N");
    }

    static Setting<Double> decimal(String key, double defaultValue, String help) {
        return new Setting<>(key, v -> parseDecimal(key, v), Setting::renderDecimal, () -> defaultValue, help, false, "NUMBER");
    }

    static Setting<Boolean> bool(String key, boolean defaultValue, String help) {
        return new Setting<>(key, v -> parseBoolean(key, v), v -> v, () -> defaultValue, help, false, null);
    }

    static Setting<Duration> duration(String key, Duration defaultValue, String help) {
        return new Setting<>(key, v -> parseDuration(key, v), Setting::formatDuration, () -> defaultValue, help, false, "DURATION");
    }

    static Setting<Path> path(String key, String help) {
        return new Setting<>(key, Path::of, Path::toString, () -> null, help, false, "FILE");
    }

    static <T> Setting<T> choice(String key, Function<String, T> parse, Function<T, String> name, T defaultValue,
                                 String help) {
        return new Setting<>(key, parse, name::apply, () -> defaultValue, help, false, "NAME");
    }

    static <T> Setting<T> generated(String key, Function<String, T> parse, Supplier<T> defaultValue, String help) {
        return new Setting<>(key, parse, v -> v, defaultValue, help, false, "TEXT");
    }

    static Setting<List<String>> textList(String key, String help) {
        return new Setting<>(key, List::of, v -> v, List::of, help, true, "TEXT");
    }

    static Setting<List<Path>> pathList(String key, String help) {
        return new Setting<>(key, v -> List.of(Path.of(v)),
                v -> v.stream().map(Path::toString).toList(), List::of, help, true, "FILE");
    }

    /** The flag of this setting, when it is not {@code --} and the key with {@code .} as {@code -}. */
    Setting<T> flag(String flag) {
        this.flag = flag;
        return this;
    }

    /** What a value looks like in the help, when the kind's word ({@code TEXT}, {@code N}) says too little. */
    Setting<T> label(String label) {
        this.label = label;
        return this;
    }

    /** How the default reads in the help, when it is not the default value itself. */
    Setting<T> defaultText(String text) {
        this.defaultText = text;
        return this;
    }

    /** The value never shows: {@code config check} prints {@code (hidden)}. */
    Setting<T> secret() {
        this.secret = true;
        return this;
    }

    /** A rule the value must follow, and what to say when it does not. */
    Setting<T> check(Predicate<T> ok, Function<T, String> problem) {
        checks.add(new Check<>(ok, problem));
        return this;
    }

    Setting<T> check(Predicate<T> ok, String problem) {
        return check(ok, v -> problem);
    }

    /** The key in a file, dotted for nesting: {@code history.size}. */
    public String key() {
        return key;
    }

    /** The {@code serve} flag: {@code --history-size}. */
    public String flag() {
        return flag;
    }

    /** The environment variable: {@code SWITCHBOARD_HISTORY_SIZE}. */
    public String environmentVariable() {
        return environmentName(key);
    }

    /** What a value looks like in the help ({@code N}, {@code DURATION}, {@code FILE}); null for a switch. */
    public String label() {
        return label;
    }

    /** What the setting does, one sentence for the help. */
    public String help() {
        return help;
    }

    /** Whether the setting holds a list: repeatable as a flag, comma-separated in the environment. */
    public boolean isList() {
        return list;
    }

    /** Whether the setting is true or false: a flag of it alone means true. */
    public boolean isSwitch() {
        return label == null;
    }

    /** The default as the help and the docs write it. */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        Object shown = describe(defaultValue.get());
        if (shown == null || shown instanceof List<?> items && items.isEmpty()) {
            return "none";
        }
        return String.valueOf(shown);
    }

    /** The value the setting has when no source sets it. */
    public T defaultValue() {
        return defaultValue.get();
    }

    /** Reads one value (one item of a list); fails naming the setting. */
    T parse(String text) {
        try {
            return parse.apply(text);
        } catch (InvalidConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidConfigException(key, "'" + text + "' is not valid"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Reads a list's items. */
    @SuppressWarnings("unchecked")
    T parseList(List<String> items) {
        List<Object> values = new ArrayList<>();
        for (String item : items) {
            values.addAll((List<?>) parse(item));
        }
        return (T) List.copyOf(values);
    }

    /** The value as {@code config check} prints it: text, a number, true or false, or a list. */
    Object describe(T value) {
        if (value == null) {
            return null;
        }
        if (secret) {
            return list ? ((List<?>) value).stream().map(v -> ConfigTree.SECRET).toList() : ConfigTree.SECRET;
        }
        return render.apply(value);
    }

    /** Fails on the first check the value does not pass. */
    void validate(T value) {
        if (value == null) {
            return;
        }
        for (Check<T> check : checks) {
            if (!check.ok().test(value)) {
                throw new InvalidConfigException(key, check.problem().apply(value));
            }
        }
    }

    @Override
    public String toString() {
        return key;
    }

    private record Check<T>(Predicate<T> ok, Function<T, String> problem) {
    }

    /** The environment variable of a key: {@code history.size} is {@code SWITCHBOARD_HISTORY_SIZE}. */
    public static String environmentName(String key) {
        return "SWITCHBOARD_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static int parseInteger(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "'" + text + "' is not a whole number");
        }
    }

    static double parseDecimal(String key, String text) {
        try {
            double value = Double.parseDouble(text.trim());
            if (!Double.isFinite(value)) {
                throw new NumberFormatException(text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "'" + text + "' is not a number");
        }
    }

    static boolean parseBoolean(String key, String text) {
        String value = text.trim();
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidConfigException(key, "must be true or false, was '" + text + "'");
    }

    private static Object renderDecimal(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Object) (long) value : (Object) value;
    }

    /**
     * Reads {@code 500ms}, {@code 10s}, {@code 15m}, {@code 1h}, {@code 7d}, or a bare number of
     * seconds; fails naming {@code key}.
     */
    public static Duration parseDuration(String key, String text) {
        java.util.regex.Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidConfigException(key, "'" + text + "' is not a duration such as 500ms, 10s, 15m, 1h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    /** A duration as written in settings: the largest unit that divides it. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        } else if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        } else if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        } else if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
