package io.switchboard.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@code .dockerignore} file as Docker applies it to a build context: each line a pattern
 * ({@code *} and {@code ?} within one path segment, {@code **} across any number of them),
 * {@code !} making an exception, the last matching line deciding, and a pattern that matches a
 * directory matching everything under it.
 */
final class DockerIgnore {
    private record Rule(String pattern, Pattern regex, boolean exception) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    static DockerIgnore read(Path file) throws IOException {
        return parse(Files.readAllLines(file));
    }

    static DockerIgnore parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            boolean exception = text.startsWith("!");
            if (exception) {
                text = text.substring(1).strip();
            }
            text = clean(text);
            rules.add(new Rule(text, Pattern.compile(regex(text)), exception));
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /** Whether {@code path} (relative to the context, with {@code /}) stays out of the context. */
    boolean excludes(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (matchesOrParentMatches(rule.regex(), path)) {
                excluded = !rule.exception();
            }
        }
        return excluded;
    }

    /**
     * The files of the build context rooted at {@code root}, relative to it. Like Docker, an
     * excluded directory is not even walked unless an exception could take something back
     * under it.
     */
    List<String> context(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        walk(root, root, files);
        return List.copyOf(files);
    }

    private void walk(Path root, Path dir, List<String> files) throws IOException {
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.sorted().toList();
        }
        for (Path child : children) {
            String relative = root.relativize(child).toString().replace('\\', '/');
            if (Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                if (!excludes(relative) || exceptionUnder(relative)) {
                    walk(root, child, files);
                }
            } else if (!excludes(relative)) {
                files.add(relative);
            }
        }
    }

    private boolean exceptionUnder(String dir) {
        return rules.stream().anyMatch(rule -> rule.exception() && (rule.pattern().startsWith(dir + "/")
                || !rule.pattern().contains("/") || rule.pattern().startsWith("**")));
    }

    private static boolean matchesOrParentMatches(Pattern regex, String path) {
        String candidate = path;
        while (true) {
            if (regex.matcher(candidate).matches()) {
                return true;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            candidate = candidate.substring(0, slash);
        }
    }

    /** The pattern as a regular expression over a whole relative path. */
    static String regex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '/') {
                    i++;
                    regex.append("(?:.*/)?"); // **/ : any number of directories, none included
                } else {
                    regex.append(".*");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '[') {
                int end = pattern.indexOf(']', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ in pattern " + pattern);
                }
                regex.append('[').append(pattern.substring(i + 1, end).replace("\\", "\\\\")).append(']');
                i = end;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** A pattern as Docker cleans it: no leading slash, no {@code .} or {@code ..} segments. */
    static String clean(String pattern) {
        return Path.of("/", pattern).normalize().toString().substring(1);
    }

    /**
     * The shortest of {@code path} and its parents that {@code pattern} (cleaned) matches: the
     * file itself, or the directory through which a pattern names it; empty when none.
     */
    static java.util.Optional<String> matchedAncestor(String pattern, String path) {
        Pattern regex = Pattern.compile(regex(clean(pattern)));
        String match = null;
        String candidate = path;
        while (true) {
            if (regex.matcher(candidate).matches()) {
                match = candidate;
            }
            int slash = candidate.lastIndexOf('/');
            if (slash < 0) {
                return java.util.Optional.ofNullable(match);
            }
            candidate = candidate.substring(0, slash);
        }
    }
}
