package io.switchboard.server.testing;

import io.switchboard.client.SwitchboardClient;

/** A connected client of a {@link TestNode} and what it has received. */
public record TestClient(String user, SwitchboardClient client, Recorder recorder) {
}
