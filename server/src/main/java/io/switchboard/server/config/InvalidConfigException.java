package io.switchboard.server.config;

/** A configuration setting with a value the server cannot run with. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public InvalidConfigException(String setting, String problem) {
        super("invalid setting '" + setting + "': " + problem);
        this.setting = setting;
    }

    /** The name of the offending setting, as written in flags and the config file. */
    public String setting() {
        return setting;
    }
}
