package io.switchboard.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile read as the Docker builder reads it: comment lines dropped, lines continued by a
 * trailing backslash joined, each instruction split into its keyword, its {@code --flag=value}
 * options and its arguments, which are either a JSON array (exec form) or one string (shell
 * form). Parser directives and escape characters other than the backslash are not supported:
 * such a file fails to parse here.
 */
final class Dockerfile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instruction, at the line where it starts. */
    record Instruction(int line, String keyword, Map<String, String> flags, String arguments) {
        /** The exec form's words, or empty when the arguments are the shell form. */
        Optional<List<String>> execForm() {
            String text = arguments.strip();
            if (!text.startsWith("[")) {
                return Optional.empty();
            }
            JsonNode array;
            try {
                array = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("line " + line + ": " + keyword + " is not a JSON array: " + text, e);
            }
            List<String> words = new ArrayList<>();
            for (JsonNode word : array) {
                if (!word.isTextual()) {
                    throw new IllegalArgumentException("line " + line + ": " + keyword + " holds a non-string: " + text);
                }
                words.add(word.textValue());
            }
            return Optional.of(List.copyOf(words));
        }

        /** The arguments as shell-like words (quotes removed), for COPY, ENV, EXPOSE and the like. */
        List<String> words() {
            return Words.split(arguments);
        }

        @Override
        public String toString() {
            return "line " + line + ": " + keyword + " " + flags + " " + arguments;
        }
    }

    /** A build stage: from its FROM to the next one. */
    record Stage(String name, String base, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        /** The last instruction of this keyword (the one that counts for CMD, USER and the like). */
        Optional<Instruction> last(String keyword) {
            List<Instruction> all = all(keyword);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        }
    }

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = instructions;
    }

    static Dockerfile read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static Dockerfile parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            String stripped = line.strip();
            if (stripped.startsWith("#")) {
                continue; // a comment, also inside a continued instruction
            }
            if (stripped.isEmpty()) {
                continue; // also inside a continued instruction, as Docker allows
            }
            if (current == null) {
                current = new StringBuilder();
                start = n + 1;
            }
            if (line.stripTrailing().endsWith("\\")) {
                String body = line.stripTrailing();
                current.append(body, 0, body.length() - 1);
                continue;
            }
            current.append(line);
            instructions.add(instruction(start, current.toString()));
            current = null;
        }
        if (current != null) {
            instructions.add(instruction(start, current.toString())); // a continuation at the end, as Docker takes it
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    private static Instruction instruction(int line, String text) {
        String trimmed = text.strip();
        int space = indexOfWhitespace(trimmed);
        if (space < 0) {
            throw new IllegalArgumentException("line " + line + ": an instruction without arguments: " + trimmed);
        }
        String keyword = trimmed.substring(0, space).toUpperCase(Locale.ROOT);
        String rest = trimmed.substring(space).strip();
        Map<String, String> flags = new LinkedHashMap<>();
        // HEALTHCHECK's flags come before CMD; the others' before their arguments.
        while (rest.startsWith("--")) {
            int end = indexOfWhitespace(rest);
            if (end < 0) {
                throw new IllegalArgumentException("line " + line + ": " + keyword + " has only flags: " + trimmed);
            }
            String flag = rest.substring(2, end);
            int eq = flag.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("line " + line + ": flag without a value: --" + flag);
            }
            flags.put(flag.substring(0, eq), flag.substring(eq + 1));
            rest = rest.substring(end).strip();
        }
        return new Instruction(line, keyword, Map.copyOf(flags), rest);
    }

    private static int indexOfWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    List<Instruction> instructions() {
        return instructions;
    }

    /** The build stages, in order; the last one is the image. */
    List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        String name = null;
        String base = null;
        List<Instruction> body = null;
        for (Instruction instruction : instructions) {
            if (instruction.keyword().equals("FROM")) {
                if (body != null) {
                    stages.add(new Stage(name, base, List.copyOf(body)));
                }
                List<String> words = instruction.words();
                if (words.size() == 3 && words.get(1).equalsIgnoreCase("AS")) {
                    name = words.get(2);
                } else if (words.size() == 1) {
                    name = null;
                } else {
                    throw new IllegalArgumentException(instruction + ": expected FROM IMAGE [AS NAME]");
                }
                base = words.get(0);
                body = new ArrayList<>();
            } else if (body == null) {
                throw new IllegalArgumentException(instruction + ": before the first FROM");
            } else {
                body.add(instruction);
            }
        }
        if (body == null) {
            throw new IllegalArgumentException("no FROM");
        }
        stages.add(new Stage(name, base, List.copyOf(body)));
        return List.copyOf(stages);
    }

    /** The HEALTHCHECK's command as words for {@code execve}: the exec form, or the shell form under {@code /bin/sh -c}. */
    static List<String> healthCommand(Instruction healthcheck) {
        String arguments = healthcheck.arguments().strip();
        if (!arguments.regionMatches(true, 0, "CMD", 0, 3) || !Character.isWhitespace(arguments.charAt(3))) {
            throw new IllegalArgumentException(healthcheck + ": expected HEALTHCHECK [OPTIONS] CMD ...");
        }
        Instruction command = new Instruction(healthcheck.line(), "CMD", Map.of(), arguments.substring(3).strip());
        return command.execForm().orElseGet(() -> List.of("/bin/sh", "-c", command.arguments()));
    }
}
