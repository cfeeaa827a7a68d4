package dev.gatekeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runner's gateway throttling over real HTTP, with small limits (5 requests a second, burst 5, per
 * credential; the stage keeps the template's): one organisation's flood is answered 429 while another's requests
 * at a modest rate are all served. Each test floods with its own organisations, so their buckets are their own.
 */
class ThrottlingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RATE = 5;
    private static final int BURST = 5;
    /** The load test: A floods from this many threads for this long, B sends one request every B_INTERVAL. */
    private static final int FLOOD_THREADS = 8;
    private static final Duration LOAD_DURATION = Duration.ofSeconds(4);
    private static final Duration B_INTERVAL = Duration.ofMillis(250);

    private static final Console console = new Console();
    private static LocalApi api;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        api = console.runner().serve("--port", "0", "--in-memory", "--seed", Repository.seed().toString(),
                "--template", Repository.template().toString(),
                "--throttle-rate", String.valueOf(RATE), "--throttle-burst", String.valueOf(BURST));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theBannerStatesTheLimits() {
        assertThat(console.err()).contains("Throttling: each credential 5 requests/s, burst 5; the stage 100 requests/s, burst 200");
    }

    @Test
    void aBurstFromOneOrganisationIsThrottledWhileAnotherIsServed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<HttpResponse<String>>> flood = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                flood.add(pool.submit(() -> send(merchantToken(LocalApiTest.MERCHANT_KEY))));
            }
            List<HttpResponse<String>> other = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                other.add(send(partnerToken(LocalApiTest.PARTNER_KEY)));
                Thread.sleep(250);
            }

            List<HttpResponse<String>> throttled = new ArrayList<>();
            int served = 0;
            for (Future<HttpResponse<String>> response : flood) {
                HttpResponse<String> reply = response.get(30, TimeUnit.SECONDS);
                if (reply.statusCode() == 429) {
                    throttled.add(reply);
                } else {
                    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201);
                    served++;
                }
            }
            assertThat(other).allSatisfy(reply -> assertThat(reply.statusCode()).as(reply.body()).isEqualTo(201));
            // The burst, and what the bucket refilled while the 50 were being answered.
            assertThat(served).isBetween(BURST, 50 - 20);
            assertThat(throttled).isNotEmpty().allSatisfy(reply -> {
                JsonNode error = JSON.readTree(reply.body());
                assertThat(error.get("returnCode").asText()).isEqualTo("TOO_MANY_REQUESTS");
                assertThat(error.get("returnDescription").asText()).isEqualTo("Too many requests, retry later");
                assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/json");
                assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(reply.headers().firstValue("x-amzn-ErrorType")).hasValue("TooManyRequestsException");
            });
            assertThat(console.err()).contains("POST /tokens 429");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A bounded load test on loopback: organisation A floods from {@value #FLOOD_THREADS} threads for
     * {@code LOAD_DURATION} while organisation B sends one request every {@code B_INTERVAL} (under its rate).
     */
    @Test
    void underAFloodFromOneOrganisationAnotherIsServedEveryTime() throws Exception {
        long deadline = System.nanoTime() + LOAD_DURATION.toNanos();
        AtomicInteger floodRequests = new AtomicInteger();
        AtomicInteger floodServed = new AtomicInteger();
        AtomicInteger floodThrottled = new AtomicInteger();
        AtomicInteger floodOther = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(FLOOD_THREADS);
        try {
            List<Future<?>> flooders = new ArrayList<>();
            for (int i = 0; i < FLOOD_THREADS; i++) {
                flooders.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        int status = send(merchantToken(LocalApiTest.FILTERED_MERCHANT_KEY)).statusCode();
                        floodRequests.incrementAndGet();
                        (status == 201 ? floodServed : status == 429 ? floodThrottled : floodOther).incrementAndGet();
                    }
                    return null;
                }));
            }
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            ConcurrentLinkedQueue<String> unserved = new ConcurrentLinkedQueue<>();
            long next = System.nanoTime();
            while (next < deadline) {
                long started = System.nanoTime();
                HttpResponse<String> reply = send(partnerToken(LocalApiTest.GROUP_KEY));
                latencies.add(System.nanoTime() - started);
                if (reply.statusCode() != 201) {
                    unserved.add(reply.statusCode() + " " + reply.body());
                }
                next += B_INTERVAL.toNanos();
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
            for (Future<?> flooder : flooders) {
                flooder.get(30, TimeUnit.SECONDS);
            }

            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "Throttling load test (%d s, rate %d/s burst %d per credential): "
                            + "A (%d threads) %d requests, %d 2xx, %d 429, %d other; "
                            + "B %d requests, %d 2xx, p50 %.1f ms, p99 %.1f ms%n",
                    LOAD_DURATION.toSeconds(), RATE, BURST, FLOOD_THREADS, floodRequests.get(), floodServed.get(),
                    floodThrottled.get(), floodOther.get(), sorted.size(), sorted.size() - unserved.size(),
                    millis(percentile(sorted, 50)), millis(percentile(sorted, 99)));

            assertThat(unserved).as("B's requests not served").isEmpty();
            assertThat(sorted).hasSizeGreaterThanOrEqualTo((int) (LOAD_DURATION.toMillis() / B_INTERVAL.toMillis()) - 1);
            assertThat(floodOther.get()).isZero();
            assertThat(floodThrottled.get()).isPositive();
            // The bucket's promise: no more than the burst plus the rate over the duration (a second of slack).
            assertThat(floodServed.get()).isBetween(BURST, BURST + RATE * ((int) LOAD_DURATION.toSeconds() + 1));
        } finally {
            pool.shutdownNow();
        }
    }

    private static HttpRequest merchantToken(String apiKey) {
        return post("/tokens", apiKey, "{\"scopes\": [\"admin\"]}");
    }

    private static HttpRequest partnerToken(String apiKey) {
        return post("/organisations/merchant01/tokens", apiKey, "{\"scopes\": [\"openbanking_pisp\"]}");
    }

    private static HttpRequest post(String path, String apiKey, String json) {
        return HttpRequest.newBuilder(URI.create(api.baseUri() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", Http.basic(apiKey)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }
}
