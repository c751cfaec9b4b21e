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
    private static final long MIN_AGE = 500_000_000L;

    private final EmbeddedChannel clock = new EmbeddedChannel();
    private final List<String> calls = new ArrayList<>();
    private final Deque<Boolean> unsubscribeResults = new ArrayDeque<>();
    private final Deque<Boolean> subscribeResults = new ArrayDeque<>();
    private final ChannelSubscriptions sut;
    private long now;

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
        assertThat(look(40, "e1")).isFalse();
        assertThat(look(40, "e1")).isFalse();
        assertThat(sut.subscribed()).containsExactly(CHANNEL);
    }

    @Test
    void aPublicationStillOnItsWayIsNotLost() {
        sut.acquire(CHANNEL);
        receive(1, 2);
        assertThat(look(2, "e1")).isFalse();
        // 3 is in Redis but not here yet: it has until the next look.
        assertThat(look(3, "e1")).isFalse();
        receive(3);
        assertThat(look(3, "e1")).isFalse();
    }

    @Test
    void aPublicationRedisHeldAtThePreviousLookThatNeverArrivedIsLostOnce() {
        sut.acquire(CHANNEL);
        receive(1);
        assertThat(look(1, "e1")).isFalse();
        assertThat(look(2, "e1")).isFalse();
        assertThat(look(2, "e1")).isTrue();
        // Found once: the channel now follows the stream from 2, and 3 follows it.
        assertThat(look(2, "e1")).isFalse();
        assertThat(sut.follows(CHANNEL, 3)).isTrue();
    }

    @Test
    void aLossBeforeTheFirstLookIsFoundWhenSomethingHadArrived() {
        sut.acquire(CHANNEL);
        receive(1);
        // 2 was lost before the channel was ever looked at; 1 shows where the stream was.
        assertThat(look(2, "e1")).isFalse();
        assertThat(look(2, "e1")).isTrue();
    }

    @Test
    void aLossBeforeAnythingArrivedIsFoundAgainstTheFirstLook() {
        sut.acquire(CHANNEL);
        assertThat(look(5, "e1")).isFalse();
        assertThat(look(6, "e1")).isFalse();
        assertThat(look(6, "e1")).isTrue();
    }

    @Test
    void aNewEpochWithPublicationsNoneOfWhichArrivedIsLost() {
        sut.acquire(CHANNEL);
        receive(1, 2, 3);
        assertThat(look(3, "e1")).isFalse();
        // Redis lost its data; the stream started again and published 1, which pub/sub lost.
        assertThat(look(1, "e2")).isTrue();
        assertThat(sut.follows(CHANNEL, 2)).isTrue();
    }

    @Test
    void aNewEpochWithNothingPublishedOrWithItsPublicationsArrivedIsNotLost() {
        sut.acquire(CHANNEL);
        receive(1, 2, 3);
        assertThat(look(3, "e1")).isFalse();
        assertThat(look(0, "e2")).isFalse();
        // The first publication of the new epoch does not follow the old epoch's last: the
        // stream is interrupted, and its members learn the new epoch as they recover.
        assertThat(sut.follows(CHANNEL, 1)).isFalse();

        assertThat(look(1, "e2")).isFalse();
        // Again: the first publication under e3 arrives (and shows its own gap) before the look.
        assertThat(sut.follows(CHANNEL, 1)).isFalse();
        assertThat(look(1, "e3")).isFalse();
    }

    @Test
    void afterANewEpochWithNothingArrivedALostPublicationOfItIsFound() {
        sut.acquire(CHANNEL);
        receive(1, 2, 3);
        assertThat(look(3, "e1")).isFalse();
        assertThat(look(0, "e2")).isFalse();
        // 1 of e2 was lost: the old epoch's 3 does not count as having received it.
        assertThat(look(1, "e2")).isFalse();
        assertThat(look(1, "e2")).isTrue();
    }

    @Test
    void aLossAfterTheStreamsFirstEpochBeganIsFoundWhenTheChannelWasLookedAtBeforeIt() {
        sut.acquire(CHANNEL);
        // Looked at as it was subscribed, before anything was ever published: no epoch yet.
        assertThat(look(0, "")).isFalse();
        receive(1);
        // 2 was lost; the look sees the epoch that began with 1.
        assertThat(look(2, "e1")).isFalse();
        assertThat(look(2, "e1")).isTrue();
    }

    @Test
    void aLookTooSoonAfterTheReferenceJudgesNothing() {
        sut.acquire(CHANNEL);
        receive(1);
        assertThat(look(1, "e1")).isFalse();
        assertThat(look(2, "e1")).isFalse();
        // A reply that came quickly after the one before: 2 may still be on its way.
        assertThat(sut.lostPublications(CHANNEL, 2, "e1", now, MIN_AGE)).isFalse();
        // Past the minimum age, the reference is the look that saw 2.
        assertThat(look(2, "e1")).isTrue();
    }

    @Test
    void aLossFoundLeavesTheChannelFollowingFromTheReferenceSoThoseStillOnTheirWayPass() {
        sut.acquire(CHANNEL);
        receive(1);
        assertThat(look(1, "e1")).isFalse();
        assertThat(look(2, "e1")).isFalse();
        // 2 was lost; 3 and 4 were published since and are on their way.
        assertThat(look(4, "e1")).isTrue();
        assertThat(sut.follows(CHANNEL, 3)).isTrue();
        assertThat(sut.follows(CHANNEL, 4)).isTrue();
        assertThat(look(4, "e1")).isFalse();
    }

    @Test
    void aChannelNoLongerFollowedIsNotLookedAt() {
        sut.acquire(CHANNEL);
        sut.release(CHANNEL);
        assertThat(sut.subscribed()).isEmpty();
    }

    /** One look at the stream's position in Redis, a second after the one before. */
    private boolean look(long offset, String epoch) {
        now += 1_000_000_000L;
        return sut.lostPublications(CHANNEL, offset, epoch, now, MIN_AGE);
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
