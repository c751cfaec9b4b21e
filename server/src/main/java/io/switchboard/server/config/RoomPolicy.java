package io.switchboard.server.config;

import java.util.Locale;
import java.util.Objects;

/**
 * Who may do what in the rooms of a namespace.
 *
 * @param publish who may publish from a client connection (the server API always may)
 * @param presence whether clients may ask who is in a room
 * @param joinLeave whether members see {@code join} and {@code leave} events
 */
public record RoomPolicy(Publish publish, boolean presence, boolean joinLeave) {
    /** Members publish, presence and join/leave events on: the rooms of the original design. */
    public static final RoomPolicy DEFAULT = new RoomPolicy(Publish.MEMBERS, true, true);

    public RoomPolicy {
        Objects.requireNonNull(publish, "publish");
    }

    /**
     * Reads {@code publish=members|anyone|server,presence=true|false,join-leave=true|false}; options
     * left out keep their defaults.
     */
    public static RoomPolicy parse(String options) {
        Publish publish = DEFAULT.publish;
        boolean presence = DEFAULT.presence;
        boolean joinLeave = DEFAULT.joinLeave;
        for (String option : options.split(",")) {
            int eq = option.indexOf('=');
            String name = eq < 0 ? option.trim() : option.substring(0, eq).trim();
            String value = eq < 0 ? "" : option.substring(eq + 1).trim();
            switch (name) {
                case "publish":
                    publish = Publish.parse(value);
                    break;
                case "presence":
                    presence = bool("presence", value);
                    break;
                case "join-leave":
                    joinLeave = bool("join-leave", value);
                    break;
                default:
                    throw new InvalidConfigException("namespace", "unknown option '" + name
                            + "' (known: publish, presence, join-leave)");
            }
        }
        return new RoomPolicy(publish, presence, joinLeave);
    }

    private static boolean bool(String option, String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidConfigException(option, "must be true or false, was '" + value + "'");
    }

    /** Who may publish to a room from a client connection. */
    public enum Publish {
        /** Connections that joined the room. */
        MEMBERS,
        /** Any connection allowed to join the room, joined or not. */
        ANYONE,
        /** No client: only the server API. */
        SERVER;

        /** {@code members}, {@code anyone} or {@code server}. */
        public static Publish parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("publish", "must be members, anyone or server, was '" + value + "'");
            }
        }

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
