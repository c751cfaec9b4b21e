package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.RoomSubscription;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.SubscribeEvent;
import io.switchboard.protocol.grpc.v1.SubscribeRequest;
import io.switchboard.server.testing.GrpcClient;
import io.switchboard.server.testing.Scrape;
import io.switchboard.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** gRPC across a cluster: a subscriber on one node follows what a backend publishes on another; Redis down is UNAVAILABLE. */
class GrpcClusterIT {
    @RegisterExtension
    final TestCluster cluster = new TestCluster(2);

    private GrpcClient first;
    private GrpcClient second;

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void aSubscriberOnOneNodeFollowsPublishesOnAnotherAndRedisDownIsUnavailable() throws Exception {
        first = new GrpcClient(cluster.node(0));
        second = new GrpcClient(cluster.node(1));
        List<SubscribeEvent> events = new CopyOnWriteArrayList<>();
        ServerApiGrpc.newStub(first.channel()).subscribe(SubscribeRequest.newBuilder()
                .addRooms(RoomSubscription.newBuilder().setRoom("wire")).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(SubscribeEvent value) {
                        events.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        events.add(SubscribeEvent.getDefaultInstance());
                    }

                    @Override
                    public void onCompleted() {
                        events.add(SubscribeEvent.getDefaultInstance());
                    }
                });
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(SubscribeEvent::hasSubscribed));
        ServerApiGrpc.ServerApiBlockingStub api = ServerApiGrpc.newBlockingStub(second.channel());
        for (int i = 1; i <= 3; i++) {
            api.publish(PublishRequest.newBuilder().setRoom("wire").setContent(Value.newBuilder().setNumberValue(i)).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().filter(SubscribeEvent::hasMessage).count() == 3);
        assertThat(events.stream().filter(SubscribeEvent::hasMessage).map(e -> e.getMessage().getOffset()))
                .containsExactly(1L, 2L, 3L);

        cluster.redis().stop();
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(second.channel());
        await().atMost(Duration.ofSeconds(15)).until(() -> health.check(HealthCheckRequest.getDefaultInstance())
                .getStatus() == HealthCheckResponse.ServingStatus.NOT_SERVING);
        assertThatThrownBy(() -> api.publish(PublishRequest.newBuilder().setRoom("wire")
                .setContent(Value.newBuilder().setNumberValue(4)).build()))
                .isInstanceOf(StatusRuntimeException.class)
                .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Scrape.of(cluster.node(1)).value("switchboard_broker_up")).isZero();
        cluster.redis().restart();
        await().atMost(Duration.ofSeconds(15)).until(() -> health.check(HealthCheckRequest.getDefaultInstance())
                .getStatus() == HealthCheckResponse.ServingStatus.SERVING);
        // The metrics saw it all: the broker back up after reconnecting, and Redis command latency.
        Scrape metrics = Scrape.of(cluster.node(1));
        assertThat(metrics.value("switchboard_broker_up")).isEqualTo(1);
        assertThat(metrics.value("switchboard_broker_reconnects_total")).isPositive();
        assertThat(metrics.value("lettuce_command_completion_seconds_count")).isPositive();
    }
}
