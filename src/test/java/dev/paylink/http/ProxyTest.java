package dev.paylink.http;

import static dev.paylink.support.Drops.awaitSummary;
import static dev.paylink.support.Drops.drop;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.support.PaylinkApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The onOffice POST goes through an HTTP proxy set the Camel way (camel.component.http.proxy-host / proxy-port), as the
 * README says: onOffice's host is one only the proxy can reach, and the proxy forwards to the simulator.
 */
class ProxyTest {

    @TempDir
    Path data;

    private final OnOfficeSimulator onOffice = new OnOfficeSimulator();
    private HttpServer proxy;
    private final List<String> proxied = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
        onOffice.close();
    }

    @Test
    void theOnOfficeCallGoesThroughTheConfiguredProxy() throws Exception {
        URI simulator = onOffice.start();
        HttpClient forward = HttpClient.newHttpClient();
        proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            // A forward proxy is asked for the absolute URI of the real host.
            proxied.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] body = exchange.getRequestBody().readAllBytes();
            try {
                HttpResponse<byte[]> answer = forward.send(HttpRequest.newBuilder(simulator)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        });
        proxy.start();

        Map<String, String> props = Map.of("paylink.sandbox", "false",
                "paylink.onoffice.url", "http://api.onoffice.invalid/api/stable/api.php",
                "paylink.onoffice.token", OnOfficeSimulator.SANDBOX_TOKEN, "paylink.onoffice.secret", OnOfficeSimulator.SANDBOX_SECRET,
                "camel.component.http.proxy-host", "127.0.0.1",
                "camel.component.http.proxy-port", String.valueOf(proxy.getAddress().getPort()));
        try (PaylinkApp app = PaylinkApp.start(data, props)) {
            // application.properties: HttpClient never sends a request again by itself, nor follows a redirect, for any call.
            org.apache.camel.component.http.HttpComponent http = app.camel().getComponent("http", org.apache.camel.component.http.HttpComponent.class);
            assertThat(http.isAutomaticRetriesDisabled()).isTrue();
            assertThat(http.isRedirectHandlingDisabled()).isTrue();
            drop(app.inbox(), "proxied.csv", "transactionid,priceNet,description\n1100000001,10.00,Posten 1\n1100000002,12.50,Posten 2\n");
            JsonNode summary = awaitSummary(app.outbox(), "proxied");
            assertThat(summary.at("/counts/CREATED").asInt()).isEqualTo(2);
        }
        assertThat(onOffice.executedCount()).isEqualTo(2);
        assertThat(proxied).isNotEmpty().allSatisfy(line -> assertThat(line).isEqualTo("POST http://api.onoffice.invalid/api/stable/api.php"));
    }
}
