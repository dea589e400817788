package dev.paylink.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.sandbox.bench.NaivePeer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark's peer (bench/peer.sh) against the strict simulator: its requests pass, every action runs once. */
class NaivePeerTest {

    private static final int ROWS = 50;

    private final OnOfficeSimulator simulator = new OnOfficeSimulator();
    private URI url;

    @BeforeEach
    void start() {
        url = simulator.start();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    /** 1: the naive client, one action a request; 25: the SDK-like loop; 7: a last request shorter than the others. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 25})
    void everyRowCreatesExactlyOneLink(int batch, @TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bench.csv");
        // the same shape as bench/peer.sh writes: decimal comma, ja/nein
        Files.write(csv, IntStream.rangeClosed(0, ROWS)
                .mapToObj(i -> i == 0 ? "transactionid;priceNet;description;sendMailToCustomer"
                        : (1100000000 + i) + ";" + (1 + i % 5000) + "," + String.format("%02d", i % 100) + ";Nachzahlung Posten " + i + ";"
                        + (i % 2 == 0 ? "ja" : "nein"))
                .toList());

        List<NaivePeer.Row> rows = NaivePeer.read(csv);
        NaivePeer.Result result = new NaivePeer(url, OnOfficeSimulator.SANDBOX_TOKEN, OnOfficeSimulator.SANDBOX_SECRET)
                .send(rows, batch, "t-");

        assertThat(rows).hasSize(ROWS);
        assertThat(rows.get(0)).isEqualTo(new NaivePeer.Row("1100000001", "2.01", "Nachzahlung Posten 1", false));
        assertThat(result.created()).isEqualTo(ROWS);
        assertThat(result.rejected()).isZero();
        assertThat(result.failed()).isZero();
        assertThat(result.requests()).isEqualTo((ROWS + batch - 1) / batch);
        assertThat(simulator.requestCount()).isEqualTo(result.requests());
        assertThat(simulator.executedCount()).isEqualTo(ROWS);
        assertThat(simulator.repeatedExecutions()).isZero();
        Map<String, Integer> expected = rows.stream().collect(Collectors.toMap(r -> "t-" + r.transactionId(), r -> 1));
        assertThat(simulator.executionsByIdentifier()).isEqualTo(expected);
    }
}
