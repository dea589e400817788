package dev.paylink;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.sandbox.OnOfficeSimulator;
import dev.paylink.sandbox.SmartPaySimulator;
import dev.paylink.sandbox.WebhookReceiver;
import dev.paylink.support.Drops;
import dev.paylink.support.JarProcess;
import dev.paylink.support.TestDatabases;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Scale-out, tested the way it will be checked: three JVMs of the packaged jar on one PostgreSQL schema and one
 * shared data folder (inbox, archive, outbox), several files of a thousand rows, tracked payment links enriched on a
 * two-second schedule and webhooks to one receiver. The instance that is sending a file is killed with SIGKILL in
 * the middle of it, after a seeded share of its rows (printed; rerun one with {@code -Dscale.seed=N}); the survivors take the file over once its lease has run out and finish it.
 *
 * <p>Asserted: no action executed twice (the onOffice simulator counts), every row of every file has a final
 * status and every executed row is CREATED or UNCERTAIN, each file archived once, every tracked link looked up at
 * most once per tick (the SmartPay simulator's request times) and still after the kill, and each webhook event
 * received once — except one whose request the killed instance had sent and could not record (received before
 * the kill): at-least-once after a crash is the documented promise, the event id lets a receiver drop it.
 *
 * <p>A run leaves its folder in {@code target/scale-out-it/} (each instance's log).
 */
class ScaleOutIT {

    private static final int INSTANCES = 3;
    private static final int FILES = 6;
    private static final int ROWS = 1_000;
    private static final int REJECT_EVERY = 100;
    private static final int BATCH = 25;
    private static final int CONCURRENCY = 2;
    private static final int LINKS = 12;
    private static final Duration LATENCY = Duration.ofMillis(50);
    private static final Duration LEASE = Duration.ofSeconds(6);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofMinutes(4);
    private static final Set<String> FINAL_STATUSES = Set.of("CREATED", "REJECTED", "UNCERTAIN");
    private static final Path RUNS = Path.of("target", "scale-out-it");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void threeInstancesOnOneLedgerAndInboxSendEachRowOnceAndSurviveTheKillOfOne() throws Exception {
        Path dir = RUNS.resolve("run-" + System.currentTimeMillis()).toAbsolutePath();
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("inbox"));
        String ledgerUrl = TestDatabases.postgresUrl();
        List<JarProcess> apps = new ArrayList<>();
        try (OnOfficeSimulator onOffice = new OnOfficeSimulator();
             SmartPaySimulator smartPay = new SmartPaySimulator();
             WebhookReceiver receiver = new WebhookReceiver()) {
            onOffice.setLatency(LATENCY);
            onOffice.trackIdentifiers(Integer.MAX_VALUE);
            onOffice.start();
            smartPay.start();
            receiver.start();
            List<String> linkIds = new ArrayList<>();
            for (int i = 1; i <= LINKS; i++) {
                String id = "PL-SCALE-" + i;
                // Status changes on the first looks (events, webhooks), then a link that stays open and is looked at every tick.
                smartPay.addLink(id, List.of("CREATED", "AUTHORIZATION_INITIALIZED", "CREATED", "AUTHORIZATION_INITIALIZED", "CREATED"), null);
                linkIds.add(id);
            }

            for (int i = 1; i <= INSTANCES; i++) {
                apps.add(start(dir, data, i, ledgerUrl, onOffice, smartPay, receiver));
            }
            for (JarProcess app : apps) {
                app.awaitLogged("Apache Camel", Duration.ofMinutes(2));
                app.awaitLogged(") started in", Duration.ofMinutes(2));
            }

            StringBuilder tracking = new StringBuilder("paymentLinkId,reference\n");
            linkIds.forEach(id -> tracking.append(id).append(",REF-").append(id).append('\n'));
            Drops.drop(data.resolve("inbox"), "tracking.csv", tracking.toString());
            Map<String, byte[]> inputs = new LinkedHashMap<>();
            for (int f = 1; f <= FILES; f++) {
                inputs.put("scale-" + f + ".csv", input(f));
            }
            inputs.forEach((name, content) -> {
                try {
                    Drops.drop(data.resolve("inbox"), name, content);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            // The victim: an instance with a file picked up and not done, killed once a seeded share of that file was sent.
            long seed = Long.getLong("scale.seed", new SecureRandom().nextLong());
            int killAfter = ROWS / 20 + new Random(seed).nextInt(ROWS * 3 / 4);
            JarProcess[] victim = new JarProcess[1];
            String[] victimFile = new String[1];
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
                for (JarProcess app : apps) {
                    for (String name : inputs.keySet()) {
                        if (app.logged(name + ": picked up") && !app.logged(name + ": done,") && executedOf(onOffice, name) >= killAfter) {
                            victim[0] = app;
                            victimFile[0] = name;
                            return true;
                        }
                    }
                }
                return false;
            });
            int exit = victim[0].kill();
            Instant killedAt = Instant.now();
            int executedAtKill = executedOf(onOffice, victimFile[0]);
            System.out.printf("ScaleOutIT: seed %d (rerun with -Dscale.seed=%d): killed %s (exit %d) while it sent %s (%d of %d rows "
                    + "executed); folder %s%n", seed, seed, victim[0].log().getFileName(), exit, victimFile[0], executedAtKill, ROWS, dir);
            List<JarProcess> survivors = apps.stream().filter(a -> a != victim[0]).toList();

            // A survivor takes the victim's file over within two lease intervals of the kill.
            await().atMost(LEASE.multipliedBy(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> survivors.stream().anyMatch(s -> s.logged("inbox:" + victimFile[0] + ": taking over from instance")));
            Duration takenOverAfter = Duration.between(killedAt, Instant.now());

            // Every file finishes (the victim's is taken over after its lease) and leaves the inbox.
            await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                survivors.forEach(s -> s.failIfExited("every file was done"));
                return inputs.keySet().stream().allMatch(name -> completedSummary(data.resolve("outbox"), name) != null)
                        && inboxHoldsNoneOf(data.resolve("inbox"), inputs.keySet());
            });
            Instant allDone = Instant.now();
            // The enrichment schedule goes on on the survivors: every link is looked up again once the victim's claims (link-lease) lapsed.
            Instant after = killedAt.plus(LEASE.multipliedBy(2));
            await().atMost(TIMEOUT).until(() -> linkIds.stream()
                    .allMatch(id -> smartPay.requestTimesFor(id).stream().filter(t -> t.isAfter(after)).count() >= 2));
            for (JarProcess survivor : survivors) {
                survivor.stop(Duration.ofSeconds(30));
            }

            SoftAssertions softly = new SoftAssertions();
            // onOffice: nothing executed twice; every row of every file has its final status.
            Map<String, Integer> executions = onOffice.executionsByIdentifier();
            none(softly, "identifiers executed more than once", executions.entrySet().stream()
                    .filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()).toList());
            Map<String, String> statusByKey = new TreeMap<>();
            Map<String, Long> statusCounts = new TreeMap<>();
            for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
                JsonNode summary = completedSummary(data.resolve("outbox"), input.getKey());
                List<CSVRecord> records = readResults(data.resolve("outbox").resolve(summary.path("resultsFile").asText()));
                softly.assertThat(records).as("lines in the results of " + input.getKey()).hasSize(ROWS);
                for (CSVRecord r : records) {
                    statusByKey.put(r.get("key"), r.get("status"));
                    statusCounts.merge(r.get("status"), 1L, Long::sum);
                    if ("CREATED".equals(r.get("status"))) {
                        softly.assertThat(executions.getOrDefault(r.get("key"), 0)).as("executions of CREATED " + r.get("key")).isEqualTo(1);
                    }
                }
                // Each file archived exactly once.
                softly.assertThat(filesWithHash(data.resolve("archive"), Drops.sha256(input.getValue())))
                        .as("copies of " + input.getKey() + " in archive/").hasSize(1);
            }
            softly.assertThat(statusCounts.keySet()).as("statuses " + statusCounts).isSubsetOf(FINAL_STATUSES);
            // At most the victim's requests in flight (concurrency x batch) can be UNCERTAIN.
            softly.assertThat(statusCounts.getOrDefault("UNCERTAIN", 0L)).as("UNCERTAIN rows " + statusCounts)
                    .isLessThanOrEqualTo((long) CONCURRENCY * BATCH);
            none(softly, "executed identifiers that are neither CREATED nor UNCERTAIN", executions.keySet().stream()
                    .filter(k -> !Set.of("CREATED", "UNCERTAIN").contains(String.valueOf(statusByKey.get(k))))
                    .map(k -> k + " -> " + statusByKey.get(k)).toList());
            softly.assertThat(listNames(data.resolve("error"))).as("files in error/").isEmpty();

            // SmartPay: one cycle per tick cluster-wide, so a link is never looked up twice within a tick.
            List<String> tooClose = new ArrayList<>();
            for (String id : linkIds) {
                List<Instant> times = smartPay.requestTimesFor(id).stream().sorted().toList();
                for (int i = 1; i < times.size(); i++) {
                    Duration gap = Duration.between(times.get(i - 1), times.get(i));
                    if (gap.compareTo(TICK.dividedBy(2)) < 0) {
                        tooClose.add(id + ": looked up at " + times.get(i - 1) + " and again " + gap.toMillis() + " ms later");
                    }
                }
            }
            none(softly, "look-ups of one link within one tick", tooClose);

            // Webhooks: each event once per receiver; a repeat only of an event the victim had sent before it died.
            Map<String, List<WebhookReceiver.Received>> byEvent = receiver.received().stream()
                    .collect(Collectors.groupingBy(WebhookReceiver.Received::eventId, LinkedHashMap::new, Collectors.toList()));
            softly.assertThat(receiver.invalidCount()).as("webhooks with a bad signature").isZero();
            none(softly, "webhook events received more than once (other than one in flight at the kill)", byEvent.entrySet().stream()
                    .filter(e -> e.getValue().size() > 1)
                    .filter(e -> e.getValue().size() > 2 || e.getValue().get(0).at().isAfter(killedAt))
                    .map(e -> e.getKey() + " (" + e.getValue().get(0).eventType() + ") x" + e.getValue().size()).toList());
            long fileEvents = byEvent.values().stream().filter(v -> v.get(0).eventType().equals("file.completed")).count();
            softly.assertThat(fileEvents).as("file.completed events received").isEqualTo(FILES + 1);
            System.out.printf("ScaleOutIT: %d files x %d rows on %d instances, %s taken over %.1f s and all done %d s after the kill; statuses %s; %d webhook events "
                            + "(%d repeated); %d SmartPay look-ups%n", FILES, ROWS, INSTANCES, victimFile[0], takenOverAfter.toMillis() / 1000.0, Duration.between(killedAt, allDone).toSeconds(),
                    statusCounts, byEvent.size(), byEvent.values().stream().filter(v -> v.size() > 1).count(), smartPay.requestCount());
            softly.assertAll();
        } finally {
            for (JarProcess app : apps) {
                app.close();
            }
            TestDatabases.dropSchemaOf(ledgerUrl);
        }
    }

    private static JarProcess start(Path dir, Path data, int number, String ledgerUrl, OnOfficeSimulator onOffice,
                                    SmartPaySimulator smartPay, WebhookReceiver receiver) throws IOException {
        List<String> options = List.of("-Xmx256m", "-Dpaylink.sandbox=false", "-Dpaylink.data=" + data,
                "-Dpaylink.ledger.url=" + ledgerUrl, "-Dpaylink.ledger.username=" + TestDatabases.PG_USER,
                "-Dpaylink.cluster.instance-id=instance-" + number,
                "-Dpaylink.cluster.file-lease=" + LEASE.toSeconds() + "s", "-Dpaylink.cluster.heartbeat=" + HEARTBEAT.toSeconds() + "s",
                "-Dpaylink.cluster.checkin-interval=" + HEARTBEAT.toSeconds() + "s", "-Dpaylink.cluster.link-lease=" + LEASE.multipliedBy(2).toSeconds() + "s",
                "-Dpaylink.onoffice.url=" + onOffice.url(), "-Dpaylink.onoffice.batch-size=" + BATCH,
                "-Dpaylink.onoffice.concurrency=" + CONCURRENCY, "-Dpaylink.intake.min-age=200ms", "-Dpaylink.intake.poll-delay=100ms",
                "-Dpaylink.smartpay.url=" + smartPay.url(), "-Dpaylink.smartpay.auth=basic",
                "-Dpaylink.smartpay.origin=" + SmartPaySimulator.SANDBOX_ORIGIN, "-Dpaylink.smartpay.cron=0/" + TICK.toSeconds() + " * * * * ?",
                "-Dpaylink.smartpay.first-interval=1s", "-Dpaylink.smartpay.max-interval=1s", "-Dpaylink.smartpay.max-requests-per-second=0",
                "-Dpaylink.webhook.urls=" + receiver.url(), "-Dpaylink.deliver.first-backoff=1s", "-Dpaylink.deliver.poll-interval=200");
        return JarProcess.start(dir.resolve("app-" + number + ".log"), Map.of(
                "PAYLINK_ONOFFICE_TOKEN", OnOfficeSimulator.SANDBOX_TOKEN,
                "PAYLINK_ONOFFICE_SECRET", OnOfficeSimulator.SANDBOX_SECRET,
                "PAYLINK_SMARTPAY_MERCHANT_KEY", SmartPaySimulator.SANDBOX_MERCHANT_KEY,
                "PAYLINK_SMARTPAY_AUTHENTICATION_KEY", SmartPaySimulator.SANDBOX_AUTHENTICATION_KEY,
                "PAYLINK_WEBHOOK_SECRET", WebhookReceiver.SANDBOX_SECRET), options);
    }

    /** File {@code f}'s rows: transaction ids {@code 1<f><row>} (a rejected one now and then), so executions tell the file. */
    private static byte[] input(int f) {
        StringBuilder csv = new StringBuilder("transactionid;priceNet;description\n");
        for (int i = 1; i <= ROWS; i++) {
            String tx = i % REJECT_EVERY == 0 ? OnOfficeSimulator.TRIGGER_NOT_FOUND : transactionId(f, i);
            csv.append(tx).append(';').append(1 + i % 900).append(",00;Scale-out ").append(f).append('-').append(i).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String transactionId(int file, int row) {
        return String.valueOf(1_200_000_000L + file * 100_000L + row);
    }

    /** Links created for the rows of file {@code scale-<f>.csv} (told by their transaction ids). */
    private static int executedOf(OnOfficeSimulator onOffice, String name) {
        int f = Integer.parseInt(name.replaceAll("\\D", ""));
        String prefix = transactionId(f, 0).substring(0, 5);
        return (int) onOffice.createdLinks().stream().filter(l -> l.transactionId().startsWith(prefix)).count();
    }

    private static JsonNode completedSummary(Path outbox, String file) {
        if (!Files.isDirectory(outbox)) {
            return null;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".summary.json") && !p.getFileName().toString().startsWith(".")).toList()) {
                JsonNode s = JSON.readTree(p.toFile());
                if (file.equals(s.path("file").asText()) && "COMPLETED".equals(s.path("status").asText())) {
                    return s;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static boolean inboxHoldsNoneOf(Path inbox, Set<String> names) {
        return listNames(inbox).stream().noneMatch(names::contains);
    }

    private static List<String> listNames(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<CSVRecord> readResults(Path results) throws IOException {
        try (Reader r = Files.newBufferedReader(results, StandardCharsets.UTF_8)) {
            return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    private static List<Path> filesWithHash(Path folder, String hash) throws Exception {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                if (Drops.sha256(Files.readAllBytes(f)).equals(hash)) {
                    found.add(f.getFileName());
                }
            }
        }
        return found;
    }

    private static void none(SoftAssertions softly, String what, List<String> found) {
        String examples = found.stream().limit(5).collect(Collectors.joining("\n    ", "\n    ", found.size() > 5 ? "\n    ..." : ""));
        softly.assertThat(found.size()).as(what + (found.isEmpty() ? "" : ": " + found.size() + ", e.g." + examples)).isZero();
    }
}
