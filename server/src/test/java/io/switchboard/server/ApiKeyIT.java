package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.config.JwtSettings;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Chat;
import io.switchboard.server.testing.TestNode;
import io.switchboard.server.testing.Tokens;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server API behind named keys, each with its own request budget. */
class ApiKeyIT {
    private static final String BACKEND_KEY = "backend-key-0123456789abcdef";
    private static final String OPS_KEY = "ops-key-0123456789abcdefghij";

    @RegisterExtension
    final TestNode node = new TestNode(b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1)))
            .apiKey("backend", BACKEND_KEY)
            .apiKey("ops", OPS_KEY)
            .apiRate(1, 3));

    @RegisterExtension
    final TestNode keyless = new TestNode("keyless", b -> b
            .jwt(new JwtSettings(List.of(Tokens.SECRET), List.of(), null, null, null, Duration.ofSeconds(1))));

    @Test
    void aCallWithoutAValidKeyIsRefusedWith401() {
        Api api = new Api(node, HttpClient.Version.HTTP_1_1);
        HttpResponse<String> none = api.get("/api/v1/rooms");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(api.with("X-API-Key", "backend-key-0123456789abcdeX").get("/api/v1/rooms").statusCode()).isEqualTo(401);
        // A client token is not a server API key.
        assertThat(api.with("Authorization", "Bearer " + Tokens.hs256("alice")).post("/api/v1/rooms/lobby/messages",
                "{\"content\":1}").statusCode()).isEqualTo(401);
        // Guessing keys spends the budget of the caller's address: past it, 429 whatever the key.
        HttpResponse<String> guessing = api.with("Authorization", "Bearer " + BACKEND_KEY.substring(1)).get("/api/v1/rooms");
        assertThat(guessing.statusCode()).isEqualTo(429);
        assertThat(guessing.headers().firstValue("retry-after")).isPresent();
        Chat.stillWorks(node, user -> b -> b.token(() -> Tokens.hs256(user)));
    }

    @Test
    void metricsAreOpenUnlessTheyRequireAKeyAndThenGuessesSpendTheSameBudget() {
        assertThat(new Api(node, HttpClient.Version.HTTP_1_1).get("/metrics").statusCode()).isEqualTo(200);

        TestNode guarded = new TestNode("guarded", b -> b.apiKey("scraper", OPS_KEY).apiRate(1, 3)
                .metricsRequireApiKey(true));
        guarded.start();
        try {
            Api api = new Api(guarded, HttpClient.Version.HTTP_1_1);
            HttpResponse<String> none = api.get("/metrics");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(none.body()).doesNotContain("switchboard_");
            HttpResponse<String> scraped = api.with("Authorization", "Bearer " + OPS_KEY).get("/metrics");
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("switchboard_connections");
            assertThat(api.with("X-API-Key", OPS_KEY).get("/metrics").statusCode()).isEqualTo(200);
            // Wrong keys spend the address's budget, as on the API: past it, 429.
            List<Integer> guesses = java.util.stream.IntStream.range(0, 8)
                    .mapToObj(i -> api.with("X-API-Key", OPS_KEY + i).get("/metrics").statusCode()).toList();
            assertThat(guesses).startsWith(401).contains(429).containsOnly(401, 429);
        } finally {
            guarded.stop();
        }
    }

    @Test
    void eitherHeaderCarriesAValidKey() {
        Api api = new Api(node, HttpClient.Version.HTTP_1_1);
        assertThat(api.with("Authorization", "Bearer " + BACKEND_KEY).get("/api/v1/rooms").statusCode()).isEqualTo(200);
        assertThat(api.with("X-API-Key", OPS_KEY).post("/api/v1/rooms/lobby/messages", "{\"content\":1}").statusCode())
                .isEqualTo(201);
    }

    @Test
    void eachKeyHasItsOwnRateLimit() {
        Api backend = new Api(node, HttpClient.Version.HTTP_1_1).with("X-API-Key", BACKEND_KEY);
        Api ops = new Api(node, HttpClient.Version.HTTP_1_1).with("X-API-Key", OPS_KEY);
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> ok = backend.get("/api/v1/rooms");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit")).hasValue("3");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining")).hasValue(Integer.toString(remaining));
        }
        HttpResponse<String> limited = backend.get("/api/v1/rooms");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        HttpResponse<String> other = ops.get("/api/v1/rooms");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("x-ratelimit-remaining")).hasValue("2");
    }

    @Test
    void withTokensConfiguredAndNoKeyEveryCallIsRefused() {
        Api api = new Api(keyless, HttpClient.Version.HTTP_1_1);
        assertThat(api.get("/api/v1/rooms").statusCode()).isEqualTo(401);
        assertThat(api.with("X-API-Key", BACKEND_KEY).get("/api/v1/stats").statusCode()).isEqualTo(401);
    }
}
