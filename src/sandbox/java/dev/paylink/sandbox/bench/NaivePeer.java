package dev.paylink.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paylink.sandbox.OnOfficeSimulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The benchmark's peer (bench/peer.sh): what a user without paylink-routes would write to turn the same CSV into
 * onOffice payment links. A plain loop, one thread, no ledger, nothing durable: read the file, build the smartml
 * envelope by hand as reference/onoffice-smartml.md describes it (HMAC v2 signed here, not with the app's classes),
 * POST it with the JDK's HTTP client, count the results. With {@code batch} 1 it is the naive client (one action per
 * request); with 25 it is what the official PHP SDK does in a loop.
 *
 * <p>It shares no code with the app's sending path (dev.paylink.smartml, camel-http): it is the comparison, not the product.
 * Jackson is used for the JSON, as json_encode/json_decode are in the SDK.
 *
 * <p>{@code java -cp target/paylink-routes-sandbox.jar dev.paylink.sandbox.bench.NaivePeer URL CSV BATCH [IDENTIFIER-PREFIX]}
 * with the sandbox credentials (or PAYLINK_ONOFFICE_TOKEN / PAYLINK_ONOFFICE_SECRET); prints one line of figures (time and CPU from reading the file to the last answer).
 */
public final class NaivePeer {

    static final String ACTION_ID = "urn:onoffice-de-ns:smart:2.5:smartml:action:do";
    static final String RESOURCE_TYPE = "subsequentPaymentLink";

    private final URI url;
    private final String token;
    private final Mac mac;
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public NaivePeer(URI url, String token, String secret) {
        this.url = url;
        this.token = token;
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** One CSV row: {@code transactionid;priceNet;description;sendMailToCustomer}, price with a decimal comma. */
    public record Row(String transactionId, String priceNet, String description, boolean sendMail) {
    }

    /** What came back: links created, actions the API refused, actions without an answer (HTTP or transport failure). */
    public record Result(int rows, int requests, int created, int rejected, int failed, long nanos) {
    }

    /** Reads the bench CSV (header line first; {@code ;}-separated; decimal comma; ja/nein). */
    public static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(";", -1);
                String price = f[1].trim().replace(',', '.');
                if (price.indexOf('.') < 0) {
                    price += ".00";
                }
                rows.add(new Row(f[0].trim(), price, f[2].trim(), "ja".equalsIgnoreCase(f[3].trim())));
            }
        }
        return rows;
    }

    /**
     * Sends the rows in order, {@code batch} actions per request, one request at a time. Each action's identifier is
     * {@code prefix + transactionid}. A request that fails counts its actions as failed and the loop goes on (never re-sent).
     */
    public Result send(List<Row> rows, int batch, String prefix) throws InterruptedException {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1");
        }
        long start = System.nanoTime();
        int requests = 0;
        int created = 0;
        int rejected = 0;
        int failed = 0;
        for (int from = 0; from < rows.size(); from += batch) {
            List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + batch));
            requests++;
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url)
                                .timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json; charset=UTF-8")
                                .header("Accept", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(envelope(chunk, prefix)))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                JsonNode results = response.statusCode() == 200
                        ? mapper.readTree(response.body()).path("response").path("results") : null;
                if (results == null || !results.isArray()) {
                    failed += chunk.size();
                    continue;
                }
                for (JsonNode r : results) {
                    if (r.path("status").path("errorcode").asInt(0) == 0
                            && r.path("data").path("records").path(0).path("elements").path("result").hasNonNull("subsequentPaymentUrl")) {
                        created++;
                    } else {
                        rejected++;
                    }
                }
                failed += Math.max(0, chunk.size() - results.size());
            } catch (IOException e) {
                failed += chunk.size();
            }
        }
        return new Result(rows.size(), requests, created, rejected, failed, System.nanoTime() - start);
    }

    /** The request body as the reference shows it: token, actions each with timestamp and HMAC beside the parameters. */
    byte[] envelope(List<Row> chunk, String prefix) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("token", token);
        ArrayNode actions = root.putObject("request").putArray("actions");
        for (Row row : chunk) {
            long timestamp = System.currentTimeMillis() / 1000; // read once, signed and sent alike
            ObjectNode a = actions.addObject();
            a.put("actionid", ACTION_ID);
            a.put("resourceid", "");
            a.put("resourcetype", RESOURCE_TYPE);
            a.put("identifier", prefix + row.transactionId());
            a.put("timestamp", timestamp);
            a.put("hmac", hmac(timestamp));
            a.put("hmac_version", 2);
            ObjectNode p = a.putObject("parameters");
            p.put("description", row.description());
            p.put("priceNet", row.priceNet());
            p.put("sendMailToCustomer", row.sendMail());
            p.put("transactionid", row.transactionId());
        }
        return mapper.writeValueAsBytes(root);
    }

    /** HMAC v2: Base64(HMAC-SHA256(secret, timestamp + token + resourcetype + actionid)). */
    String hmac(long timestamp) {
        byte[] message = (timestamp + token + RESOURCE_TYPE + ACTION_ID).getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(mac.doFinal(message));
    }

    /** CPU time of this process so far, all threads (GC and JIT included), as /proc's utime + stime counts it. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Peak resident set of this process in kB (VmHWM), or -1 off Linux. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * {@code URL CSV BATCH [IDENTIFIER-PREFIX]}. Prints {@code peer rows=… requests=… created=… rejected=… failed=…
     * seconds=… cpu_seconds=… rss_peak_kb=…}, CPU counted from reading the file to the last answer. Exit 1 if any row
     * did not create a link.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: NaivePeer URL CSV BATCH [IDENTIFIER-PREFIX]");
            System.exit(2);
        }
        String token = System.getenv().getOrDefault("PAYLINK_ONOFFICE_TOKEN", OnOfficeSimulator.SANDBOX_TOKEN);
        String secret = System.getenv().getOrDefault("PAYLINK_ONOFFICE_SECRET", OnOfficeSimulator.SANDBOX_SECRET);
        NaivePeer peer = new NaivePeer(URI.create(args[0]), token, secret);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        List<Row> rows = read(Path.of(args[1]));
        Result r = peer.send(rows, Integer.parseInt(args[2]), args.length > 3 ? args[3] : "peer-");
        long elapsed = System.nanoTime() - t0;
        long cpu1 = processCpuNanos();
        System.out.printf("peer rows=%d requests=%d created=%d rejected=%d failed=%d seconds=%.3f cpu_seconds=%.3f rss_peak_kb=%d%n",
                r.rows(), r.requests(), r.created(), r.rejected(), r.failed(), elapsed / 1e9, (cpu1 - cpu0) / 1e9, peakRssKb());
        System.exit(r.created() == r.rows() ? 0 : 1);
    }
}
