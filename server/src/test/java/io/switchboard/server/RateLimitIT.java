package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.TestNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitIT {
    @RegisterExtension
    final TestNode node = new TestNode(b -> b.apiRate(1, 3));

    @Test
    void pastTheBurstTheApiAnswers429WithRetryAfterAndTheHeadersCountDown() {
        Api api = new Api(node, HttpClient.Version.HTTP_1_1);
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<String> ok = api.get("/api/v1/rooms");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-limit")).hasValue("3");
            assertThat(ok.headers().firstValue("x-ratelimit-remaining")).hasValue(Integer.toString(remaining));
        }
        HttpResponse<String> limited = api.get("/api/v1/rooms");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(limited.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
    }
}
