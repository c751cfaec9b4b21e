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

/** Reference counts of channels, and what each received held against its stream's position in Redis. */
class ChannelSubscriptionsTest {
    private static final String CHANNEL = "sb:room:lobby";

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

    @Test
    void theFirstLookOnlyTakesItsBearings() {
        sut.acquire(CHANNEL);
        // Publications made before the channel was followed were never its to receive.
        assertThat(sut.lostPublications(CHANNEL, 40, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 40, "e1")).isFalse();
        assertThat(sut.subscribed()).containsExactly(CHANNEL);
    }

    @Test
    void aPublicationStillOnItsWayIsNotLost() {
        sut.acquire(CHANNEL);
        receive(1, 2);
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isFalse();
        // 3 is in Redis but not here yet: it has until the next look.
        assertThat(sut.lostPublications(CHANNEL, 3, "e1")).isFalse();
        receive(3);
        assertThat(sut.lostPublications(CHANNEL, 3, "e1")).isFalse();
    }

    @Test
    void aPublicationRedisHeldAtThePreviousLookThatNeverArrivedIsLostOnce() {
        sut.acquire(CHANNEL);
        receive(1);
        assertThat(sut.lostPublications(CHANNEL, 1, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isTrue();
        // Found once: the channel now follows the stream from 2, and 3 follows it.
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isFalse();
        assertThat(sut.follows(CHANNEL, 3)).isTrue();
    }

    @Test
    void aLossBeforeTheFirstLookIsFoundWhenSomethingHadArrived() {
        sut.acquire(CHANNEL);
        receive(1);
        // 2 was lost before the channel was ever looked at; 1 shows where the stream was.
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 2, "e1")).isTrue();
    }

    @Test
    void aLossBeforeAnythingArrivedIsFoundAgainstTheFirstLook() {
        sut.acquire(CHANNEL);
        assertThat(sut.lostPublications(CHANNEL, 5, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 6, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 6, "e1")).isTrue();
    }

    @Test
    void aNewEpochWithPublicationsNoneOfWhichArrivedIsLost() {
        sut.acquire(CHANNEL);
        receive(1, 2, 3);
        assertThat(sut.lostPublications(CHANNEL, 3, "e1")).isFalse();
        // Redis lost its data; the stream started again and published 1, which pub/sub lost.
        assertThat(sut.lostPublications(CHANNEL, 1, "e2")).isTrue();
        assertThat(sut.follows(CHANNEL, 2)).isTrue();
    }

    @Test
    void aNewEpochWithNothingPublishedOrWithItsPublicationsArrivedIsNotLost() {
        sut.acquire(CHANNEL);
        receive(1, 2, 3);
        assertThat(sut.lostPublications(CHANNEL, 3, "e1")).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 0, "e2")).isFalse();
        assertThat(sut.follows(CHANNEL, 1)).isTrue();

        assertThat(sut.lostPublications(CHANNEL, 1, "e2")).isFalse();
        // Again: the first publication under e3 arrives (and shows its own gap) before the look.
        assertThat(sut.follows(CHANNEL, 1)).isFalse();
        assertThat(sut.lostPublications(CHANNEL, 1, "e3")).isFalse();
    }

    @Test
    void aChannelNoLongerFollowedIsNotLookedAt() {
        sut.acquire(CHANNEL);
        sut.release(CHANNEL);
        assertThat(sut.subscribed()).isEmpty();
    }

    /** Publications arriving on the channel, each following the one before. */
    private void receive(long... offsets) {
        for (long offset : offsets) {
            assertThat(sut.follows(CHANNEL, offset)).as("offset %d follows", offset).isTrue();
        }
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
