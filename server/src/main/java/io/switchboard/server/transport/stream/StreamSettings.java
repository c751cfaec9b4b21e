package io.switchboard.server.transport.stream;

import java.time.Duration;

/**
 * Timings and bounds of SSE and long-polling sessions.
 *
 * @param hold how long a session lives without a stream or a poll (60 s)
 * @param heartbeat how often an idle SSE stream gets a comment (15 s)
 * @param pollWait how long a poll waits for frames at most (25 s)
 * @param bufferBytes frames waiting for a client before the session ends as a slow consumer
 * @param resumeWindowBytes frames an attached SSE stream keeps for a resume
 * @param closeTimeout how long the last frames of an ended SSE session may take to leave before
 *                     its stream is cut
 */
record StreamSettings(Duration hold, Duration heartbeat, Duration pollWait, int bufferBytes, int resumeWindowBytes,
                      Duration closeTimeout) {
}
