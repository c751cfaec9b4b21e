package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.IoTransport;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The NIO fallback serves the same protocol as native epoll. */
class NioTransportIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.transport(IoTransport.NIO));

    @Test
    void roomsAndDirectMessagesWorkOnTheNioTransport() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();
        alice.client().publish("lobby", "hello").join();
        bob.client().sendDirect("alice", "hi").join();

        assertThat(bob.recorder().awaitMessages("lobby", 1).get(0).content().asText()).isEqualTo("hello");
        assertThat(alice.recorder().awaitFrames("direct_message", 1).get(0).path("content").asText()).isEqualTo("hi");
        assertThat(node.server().transport()).isEqualTo(IoTransport.NIO);
    }
}
