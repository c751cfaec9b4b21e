package io.switchboard.server.ids;

import java.security.SecureRandom;

/** Random identifiers for nodes and connections. */
public final class NodeIds {
    private static final char[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeIds() {
    }

    /** A node name such as {@code node-k3f9Qa}. */
    public static String random() {
        return "node-" + token(6);
    }

    /** {@code length} random base-62 characters. */
    public static String token(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
