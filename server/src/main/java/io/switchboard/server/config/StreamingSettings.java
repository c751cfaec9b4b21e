package io.switchboard.server.config;

import java.time.Duration;

/**
 * The timings of SSE and long-polling sessions.
 *
 * @param sessionHold how long a session lives with no stream or poll
 * @param sseHeartbeat how often an idle SSE stream gets a comment line
 * @param pollWait the longest a poll waits for frames
 */
public record StreamingSettings(Duration sessionHold, Duration sseHeartbeat, Duration pollWait) {
}
