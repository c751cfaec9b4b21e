package io.switchboard.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** A connection takes its address's place and its user's together, or neither. */
class ConnectionLimitsTest {
    private final ConnectionLimits limits = new ConnectionLimits(
            ServerConfig.builder().maxConnectionsPerIp(3).maxConnectionsPerUser(2).build().limits(), System::nanoTime);

    @Test
    void aUserOverItsLimitGivesItsAddressPlaceBack() throws LimitExceededException {
        ConnectionLimits.Ticket first = limits.admit("10.0.0.1", "alice");
        limits.admit("10.0.0.1", "alice");
        assertThatThrownBy(() -> limits.admit("10.0.0.1", "alice"))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("user alice: at most 2");
        assertThat(limits.connectionsFrom("10.0.0.1")).as("the refused one's address place given back").isEqualTo(2);
        assertThat(limits.connectionsOf("alice")).isEqualTo(2);

        first.release();
        first.release();
        assertThat(limits.connectionsFrom("10.0.0.1")).as("released once only").isEqualTo(1);
        assertThat(limits.connectionsOf("alice")).isEqualTo(1);
    }

    @Test
    void anAddressOverItsLimitTakesNoUserPlace() throws LimitExceededException {
        for (int i = 0; i < 3; i++) {
            limits.admit("10.0.0.2", "user-" + i);
        }
        assertThatThrownBy(() -> limits.admit("10.0.0.2", "bob"))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("from 10.0.0.2: at most 3");
        assertThat(limits.connectionsOf("bob")).isZero();
    }

    @Test
    void aUserKnownLaterIsCountedOnTheSameTicketOrTheTicketIsGivenBack() throws LimitExceededException {
        limits.admit("10.0.0.3", "carol");
        limits.admit("10.0.0.3", "carol");
        ConnectionLimits.Ticket late = limits.admit("10.0.0.3");
        assertThatThrownBy(() -> late.user("carol")).isInstanceOf(LimitExceededException.class);
        assertThat(limits.connectionsFrom("10.0.0.3")).isEqualTo(2);
        assertThatThrownBy(() -> late.user("dave")).as("a given-back ticket is spent").isInstanceOf(IllegalStateException.class);
    }
}
