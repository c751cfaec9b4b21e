package io.switchboard.server.history;

/** A published frame and its offset in its stream. */
public record Publication(long offset, byte[] frame) {
}
