package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Value;
import io.switchboard.client.Events;
import io.switchboard.client.SwitchboardException;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.GrpcClient;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A publication with an idempotency key is made once per key and stream within five minutes:
 * a retry (after {@code unavailable}, or a lost connection) is answered with the first one's
 * offset and reaches nobody again, through every way to publish. (Across the nodes of a
 * cluster: {@link ClusterIT}.)
 */
class IdempotentPublishIT {
    @RegisterExtension
    final TestNode node = new TestNode();

    private GrpcClient grpc;

    @AfterEach
    void closeGrpc() {
        if (grpc != null) {
            grpc.close();
        }
    }

    @Test
    void aRetryUnderTheSameKeyIsAnsweredWithTheFirstOffsetAndDeliveredOnce() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().join("lobby").join();
        bob.client().join("lobby").join();

        assertThat(alice.client().publish("lobby", "hello", "k-1").join()).isEqualTo(1);
        assertThat(alice.client().publish("lobby", "hello", "k-1").join()).isEqualTo(1);
        assertThat(alice.client().publish("lobby", "again", "k-2").join()).isEqualTo(2);
        assertThat(alice.client().publish("lobby", "no key").join()).isEqualTo(3);
        assertThat(alice.client().publish("lobby", "no key").join()).isEqualTo(4);
        // The key is the stream's: the same key in another room publishes there.
        alice.client().join("other").join();
        assertThat(alice.client().publish("other", "hello", "k-1").join()).isEqualTo(1);

        List<Events.RoomMessage> got = bob.recorder().awaitMessages("lobby", 4);
        RoomDeliveryIT.assertNothingMoreArrives(bob);
        assertThat(bob.recorder().messages("lobby")).extracting(m -> m.content().asText())
                .containsExactly("hello", "again", "no key", "no key");
        assertThat(got).extracting(Events.RoomMessage::offset).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aDirectMessageUnderTheSameKeyReachesItsUserOnce() {
        TestClient alice = node.connect("alice");
        TestClient bob = node.connect("bob");
        alice.client().sendDirect("bob", "hi", "dm-1").join();
        alice.client().sendDirect("bob", "hi", "dm-1").join();
        alice.client().sendDirect("bob", "hi again", "dm-2").join();
        bob.recorder().awaitFrames("direct_message", 2);
        RoomDeliveryIT.assertNothingMoreArrives(bob);
        assertThat(RoomDeliveryIT.directMessagesWithoutMarkers(bob)).extracting(m -> m.content().asText())
                .containsExactly("hi", "hi again");
    }

    @Test
    void aBadKeyIsRefusedWithTheCommandsIdAndPublishesNothing() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        String tooLong = "k".repeat(65);
        assertThatThrownBy(() -> alice.client().publish("lobby", "x", tooLong).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(SwitchboardException.class)
                .hasMessageContaining("bad_request").hasMessageContaining("1 to 64 characters of printable ASCII");
        alice.client().sendRaw("{\"type\":\"room_message\",\"id\":\"a1\",\"room\":\"lobby\",\"content\":1,"
                + "\"idempotency_key\":\"with space\"}");
        alice.client().sendRaw("{\"type\":\"room_message\",\"id\":\"a2\",\"room\":\"lobby\",\"content\":1,"
                + "\"idempotency_key\":42}");
        for (String id : List.of("a1", "a2")) {
            JsonNode error = alice.recorder().awaitFrame(f -> f.path("id").asText().equals(id));
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("code").asText()).isEqualTo("bad_request");
        }
        // A key of exactly 64 characters is fine, and nothing was published before it.
        assertThat(alice.client().publish("lobby", "x", "k".repeat(64)).join()).isEqualTo(1);
    }

    @Test
    void theServerApiTakesAKeyOverRestAndGrpc() {
        Api api = new Api(node, HttpClient.Version.HTTP_1_1);
        String body = "{\"content\":\"from the backend\",\"idempotency_key\":\"order-17\"}";
        var first = api.post("/api/v1/rooms/feed/messages", body);
        var retry = api.post("/api/v1/rooms/feed/messages", body);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(Api.json(retry).path("offset").asLong()).isEqualTo(Api.json(first).path("offset").asLong()).isEqualTo(1);
        var bad = api.post("/api/v1/rooms/feed/messages", "{\"content\":1,\"idempotency_key\":\"\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("idempotency_key");

        grpc = new GrpcClient(node);
        ServerApiGrpc.ServerApiBlockingStub stub = ServerApiGrpc.newBlockingStub(grpc.channel());
        PublishRequest request = PublishRequest.newBuilder().setRoom("feed")
                .setContent(Value.newBuilder().setStringValue("over grpc")).setIdempotencyKey("order-18").build();
        long offset = stub.publish(request).getPosition().getOffset();
        assertThat(offset).isEqualTo(2);
        assertThat(stub.publish(request).getPosition().getOffset()).isEqualTo(offset);
        // The same key as the REST publication: that one's position.
        assertThat(stub.publish(request.toBuilder().setIdempotencyKey("order-17").build()).getPosition().getOffset())
                .isEqualTo(1);
    }
}
