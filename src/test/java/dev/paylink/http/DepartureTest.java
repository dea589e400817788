package dev.paylink.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exceptions camel-http really throws on loopback, and the ones that cannot be provoked here, classified. */
class DepartureTest {

    private CamelContext camel;
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        for (AutoCloseable s : servers) {
            s.close();
        }
    }

    @Test
    void aRefusedConnectionNeverLeft() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Exception e = post("http://127.0.0.1:" + closedPort + "/api.php");

        assertThat(e).isInstanceOf(ConnectException.class);
        assertThat(Departure.of(e)).isEqualTo(Departure.NEVER_LEFT);
        assertThat(Departure.describe(e)).contains("HttpHostConnectException").contains("127.0.0.1");
    }

    @Test
    void aConnectionClosedAfterTheRequestWasReadMayHaveLeft() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        int port = server(socket -> {
            readRequestHead(socket.getInputStream());
            read.countDown();
            socket.close();
        });
        Exception e = post("http://127.0.0.1:" + port + "/api.php");

        assertThat(read.await(5, TimeUnit.SECONDS)).as("the server read the request").isTrue();
        assertThat(e).isInstanceOf(NoHttpResponseException.class);
        assertThat(Departure.of(e)).isEqualTo(Departure.MAY_HAVE_LEFT);
    }

    @Test
    void noAnswerInTimeMayHaveLeft() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        int port = server(socket -> {
            readRequestHead(socket.getInputStream());
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Exception e = post("http://127.0.0.1:" + port + "/api.php?responseTimeout=300");
        done.countDown();

        assertThat(e).isInstanceOf(SocketTimeoutException.class);
        assertThat(Departure.of(e)).isEqualTo(Departure.MAY_HAVE_LEFT);
    }

    @Test
    void failuresBeforeTheConnectionNeverLeft() {
        assertThat(Departure.of(new UnknownHostException("api.onoffice.invalid"))).isEqualTo(Departure.NEVER_LEFT);
        assertThat(Departure.of(new ConnectTimeoutException("Connect to api.onoffice.de:443 timed out"))).isEqualTo(Departure.NEVER_LEFT);
        assertThat(Departure.of(new SSLHandshakeException("PKIX path building failed"))).isEqualTo(Departure.NEVER_LEFT);
        assertThat(Departure.of(new RuntimeException("wrapped", new HttpHostConnectException("refused")))).isEqualTo(Departure.NEVER_LEFT);
    }

    @Test
    void anythingAfterTheConnectionOrUnknownMayHaveLeft() {
        assertThat(Departure.of(new SocketException("Connection reset"))).isEqualTo(Departure.MAY_HAVE_LEFT);
        assertThat(Departure.of(new SocketTimeoutException("Read timed out"))).isEqualTo(Departure.MAY_HAVE_LEFT);
        assertThat(Departure.of(new IOException("Broken pipe"))).isEqualTo(Departure.MAY_HAVE_LEFT);
        assertThat(Departure.of(new IllegalStateException("a bug"))).isEqualTo(Departure.MAY_HAVE_LEFT);
        Exception loop = new Exception("outer");
        Exception inner = new Exception("inner", loop);
        loop.initCause(inner);
        assertThat(Departure.of(loop)).isEqualTo(Departure.MAY_HAVE_LEFT);
    }

    private Exception post(String uri) {
        Exchange result = camel.createProducerTemplate().request(uri, ex -> {
            ex.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
            ex.getIn().setBody("{\"request\":{}}");
        });
        assertThat(result.getException()).as("the request failed").isNotNull();
        return result.getException();
    }

    private interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private int server(Handler handler) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread t = new Thread(() -> {
            try (Socket socket = server.accept()) {
                handler.handle(socket);
            } catch (IOException ignored) {
                // the test checks what the client saw
            }
        }, "departure-test-server");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
