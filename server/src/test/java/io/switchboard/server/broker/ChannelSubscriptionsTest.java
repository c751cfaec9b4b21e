package io.switchboard.server.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelSubscriptionsTest {
    private final EmbeddedChannel clock = new EmbeddedChannel();
    private final List<String> calls = new ArrayList<>();
    private final Deque<Boolean> unsubscribeResults = new ArrayDeque<>();
    private final Deque<Boolean> subscribeResults = new ArrayDeque<>();
    private final ChannelSubscriptions sut;

    ChannelSubscriptionsTest() {
        clock.freezeTime();
        sut = new ChannelSubscriptions(
                channel -> answer("subscribe " + channel, subscribeResults),
                channel -> answer("unsubscribe " + channel, unsubscribeResults),
                clock.eventLoop(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        clock.finishAndReleaseAll();
    }

    @Test
    void subscribesOnTheFirstReferenceAndUnsubscribesAGracePeriodAfterTheLast() {
        assertThat(sut.acquire("c")).isCompleted();
        sut.acquire("c");
        sut.release("c");
        advance(5);
        assertThat(calls).containsExactly("subscribe c");

        sut.release("c");
        advance(1);
        assertThat(calls).containsExactly("subscribe c");
        advance(1);
        assertThat(calls).containsExactly("subscribe c", "unsubscribe c");
        assertThat(sut.size()).isZero();
    }

    @Test
    void aMemberComingBackWithinTheGracePeriodKeepsTheSubscription() {
        sut.acquire("c");
        sut.release("c");
        advance(1);
        sut.acquire("c");
        advance(10);
        assertThat(calls).containsExactly("subscribe c");
        assertThat(sut.size()).isEqualTo(1);
    }

    @Test
    void aFailedUnsubscribeIsRetriedUntilItGoesThrough() {
        unsubscribeResults.add(false);
        unsubscribeResults.add(false);
        sut.acquire("c");
        sut.release("c");
        advance(2);
        advance(2);
        advance(2);
        assertThat(calls).containsExactly("subscribe c", "unsubscribe c", "unsubscribe c", "unsubscribe c");
        advance(10);
        assertThat(calls).hasSize(4);
    }

    @Test
    void aFailedSubscribeFailsItsCallersAndTheNextAcquireTriesAgain() {
        subscribeResults.add(false);
        CompletionStage<Void> first = sut.acquire("c");
        assertThat(first.toCompletableFuture()).isCompletedExceptionally();
        sut.release("c");
        assertThat(sut.acquire("c").toCompletableFuture()).isCompleted();
        assertThat(calls).containsExactly("subscribe c", "subscribe c");
    }

    private CompletionStage<Void> answer(String call, Deque<Boolean> results) {
        calls.add(call);
        Boolean ok = results.poll();
        return ok == null || ok
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("redis down"));
    }

    private void advance(long seconds) {
        clock.advanceTimeBy(seconds, TimeUnit.SECONDS);
        clock.runScheduledPendingTasks();
    }
}
