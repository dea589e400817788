package dev.paylink.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paylink.flow.IntakeGate;
import dev.paylink.ledger.Deliveries;
import dev.paylink.support.MutableClock;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheck;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The four checks on their own, against a real in-memory database, real sockets and made-up counts. */
class HealthChecksTest {

    private static final Redactor NO_SECRETS = new Redactor(List.of());
    private static final ObserveSettings SETTINGS = new ObserveSettings(Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofSeconds(10), 0, 10, Duration.ofMinutes(30));

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        executor.shutdownNow();
    }

    @Test
    void ledgerIsUpWhenTheDatabaseAnswersAndLivenessAsWellAsReadiness() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:observe-check;DB_CLOSE_DELAY=-1");
        LedgerCheck check = new LedgerCheck(h2, Duration.ofSeconds(2), executor, NO_SECRETS);

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(check.isLiveness()).isTrue();
        assertThat(check.isReadiness()).isTrue();
    }

    @Test
    void ledgerIsDownWhenTheDatabaseRefusesWithoutRepeatingASecret() {
        LedgerCheck check = new LedgerCheck(failing(() -> {
            throw new SQLException("Connection to 127.0.0.1:5432 refused for password=hunter22-secret");
        }), Duration.ofSeconds(2), executor, new Redactor(List.of("hunter22-secret")));

        HealthCheck.Result r = check.call();

        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(r.getMessage()).get().asString().contains("cannot be reached").contains("127.0.0.1:5432").doesNotContain("hunter22");
    }

    @Test
    void ledgerIsDownAfterItsTimeoutWhenTheDatabaseHangs() {
        LedgerCheck check = new LedgerCheck(failing(() -> {
            release.await();
            throw new SQLException("released");
        }), Duration.ofMillis(200), executor, NO_SECRETS);

        long start = System.nanoTime();
        HealthCheck.Result r = check.call();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(r.getMessage()).get().asString().contains("did not answer within 200 ms");
        // A second check waits for the same probe: no second thread is stuck on the database.
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void sendingIsDownForReadinessOnlyWhilePausedWithTheGatesReason() {
        Optional<IntakeGate.PauseState>[] state = new Optional[] {Optional.empty()};
        SendingCheck check = new SendingCheck(() -> state[0], new Redactor(List.of("TOKEN-abcdef")));

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(check.isLiveness()).isFalse();
        assertThat(check.isReadiness()).isTrue();

        state[0] = Optional.of(new IntakeGate.PauseState("needs-action", "onOffice refused the credentials of TOKEN-abcdef", true,
                Instant.parse("2026-01-01T10:00:00Z")));
        HealthCheck.Result r = check.call();

        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(r.getMessage()).get().asString().startsWith("sending is paused (needs-action, probing): onOffice refused the credentials")
                .doesNotContain("TOKEN-abcdef");
        assertThat(r.getDetails()).containsEntry("kind", "needs-action").containsEntry("paused", true).containsEntry("probing", true)
                .containsEntry("next-try-at", "2026-01-01T10:00:00Z");
    }

    @Test
    void theRealGateIsSeenPausedAndResumed() {
        IntakeGate gate = new IntakeGate(Clock.systemUTC(), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(30));
        SendingCheck check = new SendingCheck(gate::pauseState, NO_SECRETS);

        gate.pauseForOutage("onOffice cannot be reached: connection refused");
        assertThat(check.call().getDetails()).containsEntry("kind", "outage");
        gate.resumed("answered");
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        gate.stop();
        assertThat(check.call().getDetails()).containsEntry("kind", "stopping");
    }

    @Test
    void deliveryIsDownWithCountsPerOutputWhenDeadLettersExceedTheThreshold() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        Counts.Snapshot[] s = {snapshot(now, List.of(new Deliveries.Backlog("webhook", "PENDING", 3, now.minusSeconds(60))))};
        DeliveryCheck check = new DeliveryCheck(() -> s[0], SETTINGS);

        HealthCheck.Result up = check.call();
        assertThat(up.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(up.getDetails()).containsEntry("webhook.pending", 3L).containsEntry("webhook.dead", 0L)
                .containsEntry("webhook.oldest-pending-seconds", 60L);
        assertThat(check.isLiveness()).isFalse();

        s[0] = snapshot(now, List.of(new Deliveries.Backlog("mail", "DEAD", 1, now.minusSeconds(600)),
                new Deliveries.Backlog("webhook", "DEAD", 2, now.minusSeconds(60))));
        HealthCheck.Result down = check.call();

        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(down.getMessage()).get().asString().startsWith("3 dead deliveries (mail 1, webhook 2), more than the 0 of paylink.observe.max-dead-letters");
        assertThat(down.getDetails()).containsEntry("mail.dead", 1L).containsEntry("webhook.dead", 2L).containsEntry("dead", 3L);
    }

    @Test
    void deliveryIsDownWhenTooManyArePendingOrTheOldestWaitedTooLong() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        DeliveryCheck many = new DeliveryCheck(() -> snapshot(now, List.of(new Deliveries.Backlog("mail", "PENDING", 11, now))), SETTINGS);
        DeliveryCheck old = new DeliveryCheck(() -> snapshot(now, List.of(new Deliveries.Backlog("mail", "PENDING", 1,
                now.minus(Duration.ofMinutes(31))))), SETTINGS);

        assertThat(many.call().getMessage()).get().asString().isEqualTo("11 pending deliveries (mail 11), more than the 10 of "
                + "paylink.observe.max-pending-deliveries");
        assertThat(old.call().getMessage()).get().asString().startsWith("the oldest pending delivery was queued 31 min ago, longer than the 30 min");
    }

    @Test
    void deliveryIsDownWhenTheQueueCannotBeRead() {
        DeliveryCheck check = new DeliveryCheck(() -> new Counts.Snapshot(Instant.now(), Map.of(), List.of(), -1, "database closed"), SETTINGS);

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void smartPayIsUpWhenSomethingListensAndTheAnswerIsReusedForItsCacheTime() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
        SmartPayCheck check;
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            check = new SmartPayCheck(URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/api"), Duration.ofMillis(500),
                    Duration.ofSeconds(30), clock);
            HealthCheck.Result r = check.call();
            assertThat(r.getState()).isEqualTo(HealthCheck.State.UP);
            assertThat(r.getDetails()).containsEntry("host", "127.0.0.1").containsEntry("port", listener.getLocalPort());
        }
        // Closed now, but the answer is 29 s old: reused.
        clock.advance(Duration.ofSeconds(29));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        clock.advance(Duration.ofSeconds(1));
        HealthCheck.Result r = check.call();
        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(r.getMessage()).get().asString().startsWith("SmartPay at 127.0.0.1:");
        assertThat(check.isLiveness()).isFalse();
    }

    @Test
    void smartPayDefaultsToPort443AndNeverShowsUserInfo() {
        SmartPayCheck check = new SmartPayCheck(URI.create("https://user:pw-secret@127.0.0.1/"), Duration.ofMillis(200), Duration.ofSeconds(30),
                Clock.systemUTC());

        HealthCheck.Result r = check.call();

        assertThat(r.getDetails()).containsEntry("port", 443);
        assertThat(r.getMessage().orElse("") + r.getDetails()).doesNotContain("pw-secret").doesNotContain("user");
    }

    @Test
    void theRedactorStarsSecretsUrlUserInfoAndPasswordParameters() {
        Redactor r = new Redactor(List.of("s3cr3t-value", "ab", ""));

        assertThat(r.clean("token s3cr3t-value at https://bob:pw@host/x?password=p1&x=1, ab stays"))
                .isEqualTo("token **** at https://****@host/x?password=****&x=1, ab stays");
    }

    private static Counts.Snapshot snapshot(Instant at, List<Deliveries.Backlog> deliveries) {
        return new Counts.Snapshot(at, Map.of(), deliveries, -1, null);
    }

    @FunctionalInterface
    private interface Open {
        Connection open() throws Exception;
    }

    /** A DataSource whose connections come from {@code open} (which may throw, or hang). */
    private static DataSource failing(Open open) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                try {
                    return open.open();
                } catch (SQLException e) {
                    throw e;
                } catch (Exception e) {
                    throw new SQLException(e);
                }
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return getConnection();
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {
            }

            @Override
            public void setLoginTimeout(int seconds) {
            }

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() throws SQLFeatureNotSupportedException {
                throw new SQLFeatureNotSupportedException();
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }
}
