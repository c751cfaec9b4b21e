package io.switchboard.server;

import static io.switchboard.server.testing.GrpcClient.API_KEY;
import static io.switchboard.server.testing.GrpcClient.AUTHORIZATION;
import static io.switchboard.server.testing.GrpcClient.USER_ID;
import static io.switchboard.server.testing.GrpcClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Value;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.switchboard.client.Events;
import io.switchboard.protocol.grpc.v1.BroadcastRequest;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.DirectRequest;
import io.switchboard.protocol.grpc.v1.JoinRoom;
import io.switchboard.protocol.grpc.v1.ListRoomsRequest;
import io.switchboard.protocol.grpc.v1.Ping;
import io.switchboard.protocol.grpc.v1.PresenceQuery;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.PublishSummary;
import io.switchboard.protocol.grpc.v1.RoomHistoryRequest;
import io.switchboard.protocol.grpc.v1.RoomMessage;
import io.switchboard.protocol.grpc.v1.RoomPresenceRequest;
import io.switchboard.protocol.grpc.v1.RoomSubscription;
import io.switchboard.protocol.grpc.v1.SendDirect;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import io.switchboard.protocol.grpc.v1.StatsRequest;
import io.switchboard.protocol.grpc.v1.StreamPosition;
import io.switchboard.protocol.grpc.v1.SubscribeEvent;
import io.switchboard.protocol.grpc.v1.SubscribeRequest;
import io.switchboard.protocol.grpc.v1.UserStatusRequest;
import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.GrpcClient;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every gRPC call pattern end to end, next to WebSocket clients of the same node. */
class GrpcIT {
    private static final String KEY = "backend-key-0123456789abcdef";

    @RegisterExtension
    final TestNode node = new TestNode(b -> b.apiRate(1000, 1000));

    @RegisterExtension
    final TestNode secure = new TestNode("secure", b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1)))
            .apiKey("backend", KEY)
            .apiRate(1, 3));

    @RegisterExtension
    final TestNode limited = new TestNode("limited", b -> b.maxConnectionsPerUser(1));

    private final List<GrpcClient> clients = new ArrayList<>();

    private GrpcClient grpc(TestNode target) {
        GrpcClient client = new GrpcClient(target);
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(GrpcClient::close);
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static ClientCommand join(String id, String room) {
        return ClientCommand.newBuilder().setId(id).setJoinRoom(JoinRoom.newBuilder().setRoom(room)).build();
    }

    private static ClientCommand publish(String id, String room, String content) {
        return ClientCommand.newBuilder().setId(id)
                .setRoomMessage(RoomMessage.newBuilder().setRoom(room).setContent(text(content))).build();
    }

    @Test
    void aGrpcSessionAndAWebSocketChatInARoomByDirectMessageAndSeeEachOther() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        GrpcClient.Session bob = grpc(node).connect("bob");
        ServerFrame connected = bob.await(ServerFrame::hasConnected);
        assertThat(connected.getConnected().getUserId()).isEqualTo("bob");

        bob.send(join("1", "lobby"));
        assertThat(bob.reply("1").getAck().getRoom()).isEqualTo("lobby");
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.recorder().memberships().stream()
                .anyMatch(m -> m.userId().equals("bob") && m.joined()));

        bob.send(publish("2", "lobby", "hello from gRPC"));
        assertThat(bob.reply("2").getAck().getOffset()).isEqualTo(1);
        Events.RoomMessage seen = alice.recorder().awaitMessages("lobby", 1).get(0);
        assertThat(seen.from()).isEqualTo("bob");
        assertThat(seen.content().asText()).isEqualTo("hello from gRPC");

        alice.client().publish("lobby", "hello from WebSocket").join();
        ServerFrame message = bob.await(f -> f.hasMessage() && f.getMessage().getOffset() == 2);
        assertThat(message.getMessage().getFrom()).isEqualTo("alice");
        assertThat(message.getMessage().getContent().getStringValue()).isEqualTo("hello from WebSocket");

        alice.client().sendDirect("bob", "psst").join();
        ServerFrame direct = bob.await(ServerFrame::hasDirectMessage);
        assertThat(direct.getDirectMessage().getFrom()).isEqualTo("alice");
        bob.send(ClientCommand.newBuilder().setId("3").setDirectMessage(SendDirect.newBuilder().setTo("alice")
                .setContent(text("back at you"))).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !alice.recorder().directMessages().isEmpty());
        assertThat(alice.recorder().directMessages().get(0).from()).isEqualTo("bob");

        bob.send(ClientCommand.newBuilder().setId("4").setPresence(PresenceQuery.newBuilder().setRoom("lobby")).build());
        assertThat(bob.reply("4").getAck().getMembersList()).extracting(m -> m.getUserId())
                .containsExactly("alice", "bob");
        bob.send(ClientCommand.newBuilder().setId("5").setPing(Ping.getDefaultInstance()).build());
        assertThat(bob.reply("5").hasPong()).isTrue();
        bob.send(ClientCommand.newBuilder().setId("6").setJoinRoom(JoinRoom.newBuilder().setRoom("bad room")).build());
        assertThat(bob.reply("6").getError().getCode()).isEqualTo("bad_request");

        bob.finish();
        assertThat(bob.ended().orTimeout(10, TimeUnit.SECONDS).join().isOk()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> alice.recorder().memberships().stream()
                .anyMatch(m -> m.userId().equals("bob") && !m.joined()));
    }

    @Test
    void subscribeFollowsRoomsRecoveringFromAPosition() {
        ServerApiGrpc.ServerApiBlockingStub api = ServerApiGrpc.newBlockingStub(grpc(node).channel());
        String epoch = "";
        for (int i = 1; i <= 5; i++) {
            epoch = api.publish(PublishRequest.newBuilder().setRoom("feed").setContent(text("m" + i)).build())
                    .getPosition().getEpoch();
        }
        List<SubscribeEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Status> ended = new CompletableFuture<>();
        ServerApiGrpc.newStub(grpc(node).channel()).subscribe(SubscribeRequest.newBuilder()
                .addRooms(RoomSubscription.newBuilder().setRoom("feed")
                        .setSince(StreamPosition.newBuilder().setOffset(2).setEpoch(epoch)))
                // A backend may follow any room, private ones too.
                .addRooms(RoomSubscription.newBuilder().setRoom("$vip:other"))
                .build(), recorder(events, ended));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(SubscribeEvent::hasSubscribed).count() == 2);
        api.publish(PublishRequest.newBuilder().setRoom("feed").setContent(text("m6")).setFrom("editor").build());
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(SubscribeEvent::hasMessage).count() == 4);

        assertThat(events.stream().filter(SubscribeEvent::hasMessage).map(e -> e.getMessage().getOffset()))
                .containsExactly(3L, 4L, 5L, 6L);
        SubscribeEvent feed = events.stream().filter(e -> e.hasSubscribed() && e.getSubscribed().getRoom().equals("feed"))
                .findFirst().orElseThrow();
        assertThat(feed.getSubscribed().getRecovered()).isTrue();
        assertThat(feed.getSubscribed().getPosition().getOffset()).isEqualTo(5);
        assertThat(events.stream().filter(SubscribeEvent::hasMessage).reduce((a, b) -> b).orElseThrow()
                .getMessage().getFrom()).isEqualTo("editor");
        // A backend following rooms is nobody's presence.
        assertThat(api.roomPresence(RoomPresenceRequest.newBuilder().setRoom("feed").build()).getMembersList()).isEmpty();
        assertThat(ended).isNotDone();
    }

    @Test
    void publishStreamPublishesInOrderAndSumsUp() {
        TestClient reader = node.connect("reader");
        reader.client().join("a").join();
        CompletableFuture<PublishSummary> summary = new CompletableFuture<>();
        StreamObserver<PublishRequest> stream = ServerApiGrpc.newStub(grpc(node).channel())
                .publishStream(completing(summary));
        for (int i = 0; i < 300; i++) {
            stream.onNext(PublishRequest.newBuilder().setRoom(i % 3 == 0 ? "b" : "a").setContent(text("n" + i)).build());
            if (i == 150) {
                stream.onNext(PublishRequest.newBuilder().setRoom("bad room").setContent(text("x")).build());
                stream.onNext(PublishRequest.newBuilder().setRoom("presence").setContent(text("x")).build());
            }
        }
        stream.onCompleted();
        PublishSummary result = summary.orTimeout(20, TimeUnit.SECONDS).join();
        assertThat(result.getPublished()).isEqualTo(300);
        assertThat(result.getRoomsList()).extracting(r -> r.getRoom() + ":" + r.getFirstOffset() + "-" + r.getLastOffset()
                + "x" + r.getCount()).containsExactlyInAnyOrder("a:1-200x200", "b:1-100x100");
        assertThat(result.getFailuresList()).extracting(f -> f.getIndex() + " " + f.getCode())
                .containsExactly("151 bad_request", "152 forbidden");
        List<Events.RoomMessage> seen = reader.recorder().awaitMessages("a", 200);
        assertThat(seen).extracting(m -> m.content().asText()).isEqualTo(java.util.stream.IntStream.range(0, 300)
                .filter(i -> i % 3 != 0).mapToObj(i -> "n" + i).collect(Collectors.toList()));
    }

    @Test
    void unaryCallsMirrorTheRestApi() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        ServerApiGrpc.ServerApiBlockingStub api = ServerApiGrpc.newBlockingStub(grpc(node).channel());

        StreamPosition first = api.publish(PublishRequest.newBuilder().setRoom("lobby").setContent(text("hi")).build())
                .getPosition();
        assertThat(first.getOffset()).isEqualTo(1);
        assertThat(alice.recorder().awaitMessages("lobby", 1).get(0).from()).isNull();
        var broadcast = api.broadcast(BroadcastRequest.newBuilder().addRooms("lobby").addRooms("elsewhere")
                .setContent(text("all")).build());
        assertThat(broadcast.getPositionsMap()).containsOnlyKeys("lobby", "elsewhere");
        assertThat(broadcast.getPositionsMap().get("lobby").getOffset()).isEqualTo(2);
        api.sendDirect(DirectRequest.newBuilder().setUserId("alice").setFrom("support").setContent(text("dm")).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !alice.recorder().directMessages().isEmpty());
        assertThat(alice.recorder().directMessages().get(0).from()).isEqualTo("support");

        assertThat(api.listRooms(ListRoomsRequest.getDefaultInstance()).getRoomsList())
                .anyMatch(r -> r.getRoom().equals("lobby") && r.getMembers() == 1);
        assertThat(api.roomPresence(RoomPresenceRequest.newBuilder().setRoom("lobby").build()).getMembersList())
                .extracting(m -> m.getUserId()).containsExactly("alice");
        var history = api.roomHistory(RoomHistoryRequest.newBuilder().setRoom("lobby")
                .setSince(StreamPosition.newBuilder().setOffset(1).setEpoch(first.getEpoch())).build());
        assertThat(history.getRecovered()).isTrue();
        assertThat(history.getPublicationsList()).extracting(m -> m.getContent().getStringValue()).containsExactly("all");
        var newest = api.roomHistory(RoomHistoryRequest.newBuilder().setRoom("lobby").setLimit(1).setReverse(true).build());
        assertThat(newest.getPublicationsList()).extracting(m -> m.getContent().getStringValue()).containsExactly("all");
        var newestFirst = api.roomHistory(RoomHistoryRequest.newBuilder().setRoom("lobby").setReverse(true).build());
        assertThat(newestFirst.getPublicationsList()).extracting(m -> m.getContent().getStringValue())
                .containsExactly("all", "hi");
        assertThat(api.userStatus(UserStatusRequest.newBuilder().setUserId("alice").build()).getOnline()).isTrue();
        assertThat(api.stats(StatsRequest.getDefaultInstance()).getStats().getFieldsMap().get("users").getNumberValue())
                .isEqualTo(1);
        api.disconnectUser(io.switchboard.protocol.grpc.v1.DisconnectUserRequest.newBuilder().setUserId("alice").build());
        assertThat(alice.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(4003);

        assertThatThrownBy(() -> api.publish(PublishRequest.newBuilder().setRoom("bad room").build()))
                .isInstanceOf(StatusRuntimeException.class)
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThatThrownBy(() -> api.publish(PublishRequest.newBuilder().setRoom("presence").build()))
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        Value deep = text("x");
        for (int i = 0; i < 40; i++) {
            deep = Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder().addValues(deep)).build();
        }
        Value tooDeep = deep;
        assertThatThrownBy(() -> api.publish(PublishRequest.newBuilder().setRoom("lobby").setContent(tooDeep).build()))
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void secureModeWantsATokenForSessionsAndAKeyForTheApi() {
        GrpcClient client = grpc(secure);
        assertThat(client.connect(new Metadata(), true).ended().orTimeout(10, TimeUnit.SECONDS).join().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(client.connect(header(AUTHORIZATION, "Bearer " + Tokens.unsigned("alice")), true).ended()
                .orTimeout(10, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(client.connect(header(USER_ID, "alice"), true).ended()
                .orTimeout(10, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        Metadata foreign = header(AUTHORIZATION, "Bearer " + Tokens.hs256("mallory"));
        foreign.put(USER_ID, "alice");
        assertThat(client.connect(foreign, true).ended().orTimeout(10, TimeUnit.SECONDS).join().getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED);

        GrpcClient.Session alice = client.connect(header(AUTHORIZATION, "Bearer " + Tokens.hs256("alice")), true);
        assertThat(alice.await(ServerFrame::hasConnected).getConnected().getUserId()).isEqualTo("alice");
        alice.send(join("1", "$vip:lounge"));
        assertThat(alice.reply("1").getError().getCode()).isEqualTo("forbidden");

        ServerApiGrpc.ServerApiBlockingStub anonymous = ServerApiGrpc.newBlockingStub(client.channel());
        assertThatThrownBy(() -> anonymous.listRooms(ListRoomsRequest.getDefaultInstance()))
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        ServerApiGrpc.ServerApiBlockingStub backend = anonymous.withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(header(API_KEY, KEY)));
        backend.listRooms(ListRoomsRequest.getDefaultInstance());
        ServerApiGrpc.ServerApiBlockingStub bearer = anonymous.withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(header(AUTHORIZATION, "Bearer " + KEY)));
        bearer.listRooms(ListRoomsRequest.getDefaultInstance());
        bearer.listRooms(ListRoomsRequest.getDefaultInstance());
        // The key's budget (3 at once) is spent, whichever header carried it.
        assertThatThrownBy(() -> backend.listRooms(ListRoomsRequest.getDefaultInstance()))
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        alice.cancel();
        Chat.stillWorks(secure, user -> b -> b.token(() -> Tokens.hs256(user)));
    }

    @Test
    void eachPublicationOfAStreamSpendsTheKeysBudget() {
        CompletableFuture<PublishSummary> summary = new CompletableFuture<>();
        StreamObserver<PublishRequest> stream = ServerApiGrpc.newStub(grpc(secure).channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header(API_KEY, KEY)))
                .publishStream(completing(summary));
        for (int i = 0; i < 10; i++) {
            stream.onNext(PublishRequest.newBuilder().setRoom("lobby").setContent(text("m" + i)).build());
        }
        stream.onCompleted();
        PublishSummary result = summary.orTimeout(10, TimeUnit.SECONDS).join();
        // The call took one of the key's 3 tokens; the stream gets the other 2 (and a refill at most).
        assertThat(result.getPublished()).isBetween(2L, 3L);
        assertThat(result.getFailed()).isEqualTo(10 - result.getPublished());
        assertThat(result.getFailuresList()).allSatisfy(f -> assertThat(f.getCode()).isEqualTo("rate_limited"));
    }

    @Test
    void subscribeStreamsCountAgainstTheConnectionLimits() {
        List<SubscribeEvent> first = new CopyOnWriteArrayList<>();
        CompletableFuture<Status> firstEnded = new CompletableFuture<>();
        SubscribeRequest request = SubscribeRequest.newBuilder().addRooms(RoomSubscription.newBuilder().setRoom("a")).build();
        ServerApiGrpc.newStub(grpc(limited).channel()).subscribe(request, recorder(first, firstEnded));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().anyMatch(SubscribeEvent::hasSubscribed));
        CompletableFuture<Status> secondEnded = new CompletableFuture<>();
        ServerApiGrpc.newStub(grpc(limited).channel()).subscribe(request, recorder(new CopyOnWriteArrayList<>(), secondEnded));
        assertThat(secondEnded.orTimeout(10, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(firstEnded).isNotDone();
    }

    @Test
    void anInsecureUserIdIsPercentDecodedAndPlusIsItself() {
        GrpcClient client = grpc(node);
        GrpcClient.Session plus = client.connect(header(USER_ID, "a+b%20c"), true);
        assertThat(plus.await(ServerFrame::hasConnected).getConnected().getUserId()).isEqualTo("a+b c");
        assertThat(client.connect(header(USER_ID, "bad%zz"), true).ended().orTimeout(10, TimeUnit.SECONDS).join()
                .getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        plus.cancel();
    }

    @Test
    void aSessionThatStopsReadingIsClosedAsASlowConsumerWhileOthersGoOn() {
        TestClient writer = node.connect("writer", b -> { });
        writer.client().join("flood").join();
        GrpcClient.Session stalled = grpc(node).connect(header(USER_ID, "stalled"), false);
        stalled.send(join("1", "flood"));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.hubStats().sessions() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.client().presence("flood").join().size() == 2);
        String big = "x".repeat(16 * 1024);
        for (int i = 0; i < 200 && node.hubStats().sessions() == 2; i++) {
            writer.client().publish("flood", big).join();
        }
        // Past 1 MiB waiting for it, the node drops the session (its frames with it)...
        await().atMost(Duration.ofSeconds(20)).until(() -> node.hubStats().sessions() == 1);
        // ...and the client learns why once it reads again.
        stalled.read();
        assertThat(stalled.ended().orTimeout(20, TimeUnit.SECONDS).join().getCode())
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        Chat.stillWorks(node, user -> b -> { });
    }

    @Test
    void aSubscriberThatStopsReadingIsDroppedAtTheBound() {
        CompletableFuture<Status> ended = new CompletableFuture<>();
        ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
        ServerApiGrpc.newStub(grpc(node).channel()).subscribe(
                SubscribeRequest.newBuilder().addRooms(RoomSubscription.newBuilder().setRoom("firehose")).build(),
                new ClientResponseObserver<SubscribeRequest, SubscribeEvent>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requests) {
                        call[0] = requests;
                        requests.disableAutoRequestWithInitial(0);
                    }

                    @Override
                    public void onNext(SubscribeEvent value) {
                        // Read only after the node gave up on this stream.
                    }

                    @Override
                    public void onError(Throwable t) {
                        ended.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        ended.complete(Status.OK);
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> node.hubStats().sessions() == 1);
        ServerApiGrpc.ServerApiBlockingStub api = ServerApiGrpc.newBlockingStub(grpc(node).channel());
        Value big = text("y".repeat(16 * 1024));
        for (int i = 0; i < 300 && node.hubStats().sessions() == 1; i++) {
            api.publish(PublishRequest.newBuilder().setRoom("firehose").setContent(big).build());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> node.hubStats().sessions() == 0);
        call[0].request(Integer.MAX_VALUE);
        assertThat(ended.orTimeout(20, TimeUnit.SECONDS).join().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        Chat.stillWorks(node, user -> b -> { });
    }

    @Test
    void healthAndReflectionAreServed() {
        GrpcClient client = grpc(node);
        HealthCheckResponse health = HealthGrpc.newBlockingStub(client.channel())
                .check(HealthCheckRequest.newBuilder().setService("switchboard.v1.Switchboard").build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

        Collected<ServerReflectionResponse> collected = new Collected<>();
        StreamObserver<ServerReflectionRequest> reflection = ServerReflectionGrpc.newStub(client.channel())
                .serverReflectionInfo(collected);
        reflection.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        reflection.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol("switchboard.v1.ServerApi").build());
        reflection.onCompleted();
        List<ServerReflectionResponse> responses = collected.all();
        assertThat(responses.get(0).getListServicesResponse().getServiceList()).extracting(s -> s.getName())
                .contains("switchboard.v1.Switchboard", "switchboard.v1.ServerApi", "grpc.health.v1.Health");
        assertThat(responses.get(1).getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }

    /** The reflection version Python's grpcio-reflection and older grpcurl ask for. */
    @Test
    void reflectionIsServedAsV1AlphaToo() {
        Collected<io.grpc.reflection.v1alpha.ServerReflectionResponse> collected = new Collected<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> reflection =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(grpc(node).channel()).serverReflectionInfo(collected);
        reflection.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        reflection.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("switchboard.v1.Switchboard").build());
        reflection.onCompleted();
        List<io.grpc.reflection.v1alpha.ServerReflectionResponse> responses = collected.all();
        assertThat(responses.get(0).getListServicesResponse().getServiceList()).extracting(s -> s.getName())
                .contains("switchboard.v1.Switchboard", "switchboard.v1.ServerApi", "grpc.reflection.v1.ServerReflection",
                        "grpc.reflection.v1alpha.ServerReflection");
        assertThat(responses.get(1).getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }

    /** Gathers what a server stream answers; {@link #all()} waits for its end. */
    private static final class Collected<T> implements StreamObserver<T> {
        private final List<T> values = new CopyOnWriteArrayList<>();
        private final CompletableFuture<List<T>> done = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            done.complete(List.copyOf(values));
        }

        List<T> all() {
            return done.orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** Completes {@code summary} with the one summary a PublishStream answers, or its failure. */
    private static StreamObserver<PublishSummary> completing(CompletableFuture<PublishSummary> summary) {
        return new StreamObserver<>() {
            @Override
            public void onNext(PublishSummary value) {
                summary.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                summary.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                summary.complete(null);
            }
        };
    }

    private static StreamObserver<SubscribeEvent> recorder(List<SubscribeEvent> events, CompletableFuture<Status> ended) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SubscribeEvent value) {
                events.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        };
    }
}
