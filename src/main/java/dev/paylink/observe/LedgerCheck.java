package dev.paylink.observe;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.paylink.Durations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code ledger}: the ledger database answers. A pooled connection is borrowed and asked {@code isValid}, on a thread of its
 * own, and the check waits {@code timeout} for it: a database that hangs makes the check DOWN after that long, not after the
 * pool's own 30 s. One probe at a time: checks arriving while one is under way wait for the same probe. Liveness and
 * readiness: without its ledger the application can do nothing safely, and a restart may help (a broken pool).
 */
final class LedgerCheck extends PaylinkCheck {

    private final DataSource dataSource;
    private final Duration timeout;
    private final Executor executor;
    private final Redactor redactor;
    private CompletableFuture<String> probe;

    LedgerCheck(DataSource dataSource, Duration timeout, Executor executor, Redactor redactor) {
        super("ledger", true);
        this.dataSource = dataSource;
        this.timeout = timeout;
        this.executor = executor;
        this.redactor = redactor;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        pool(builder);
        String problem;
        try {
            problem = probe().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            problem = "the ledger database did not answer within " + Durations.spoken(timeout);
        } catch (ExecutionException e) {
            problem = "the ledger database could not be asked: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while asking the ledger database";
        }
        if (problem == null) {
            builder.up();
        } else {
            builder.message(redactor.clean(problem)).down();
        }
    }

    private synchronized CompletableFuture<String> probe() {
        if (probe == null || probe.isDone()) {
            probe = CompletableFuture.supplyAsync(this::ask, executor);
        }
        return probe;
    }

    /** Null when the database answered, else what went wrong (a driver's message: no URL, no password). */
    private String ask() {
        int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(seconds) ? null : "the ledger database did not confirm a pooled connection within " + seconds + " s";
        } catch (SQLException | RuntimeException e) {
            return "the ledger database cannot be reached: " + e.getMessage();
        }
    }

    /** How busy the pool is, when it is a Hikari pool: tells a hanging database from a pool used up by work. */
    private void pool(HealthCheckResultBuilder builder) {
        if (dataSource instanceof HikariDataSource hikari) {
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            if (pool != null) {
                builder.detail("pool.active", pool.getActiveConnections());
                builder.detail("pool.idle", pool.getIdleConnections());
                builder.detail("pool.waiting", pool.getThreadsAwaitingConnection());
                builder.detail("pool.max", hikari.getMaximumPoolSize());
            }
        }
    }
}
