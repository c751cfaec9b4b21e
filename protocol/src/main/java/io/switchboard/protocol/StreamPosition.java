package io.switchboard.protocol;

/**
 * Where a room's stream stands: the offset of its newest message (0 before the first) and the
 * epoch that names this incarnation of the stream.
 */
public record StreamPosition(long offset, String epoch) {
}
