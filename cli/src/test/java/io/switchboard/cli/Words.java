package io.switchboard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into words the way Dockerfile instructions (ENV, COPY) and systemd settings
 * (Environment=, ExecStart=) do: whitespace separates words; double quotes keep whitespace and
 * let a backslash escape the next character; single quotes keep everything; a backslash outside
 * quotes escapes the next character.
 */
final class Words {
    private Words() {
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                if (word == null) {
                    word = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced " + quote + " in: " + line);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }
}
