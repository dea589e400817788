package dev.paylink.sandbox;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lifecycle the sandbox peers share: one JDK HTTP server on 127.0.0.1 with its own daemon threads, started
 * once, stopped at once (open connections dropped) and idempotently.
 */
final class LoopbackHttpServer {

    private final String name;
    private final String threadPrefix;
    private final int threads;
    private final HttpHandler handler;
    private final Object lifecycle = new Object();
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private URI base;
    private boolean closed;

    /**
     * @param name         how messages call it, e.g. "onOffice simulator"
     * @param threadPrefix its threads are named prefix + number
     */
    LoopbackHttpServer(String name, String threadPrefix, int threads, HttpHandler handler) {
        this.name = name;
        this.threadPrefix = threadPrefix;
        this.threads = threads;
        this.handler = handler;
    }

    /** Binds 127.0.0.1:{@code port} (0 = a free one) and starts; returns {@code http://127.0.0.1:PORT}. Can be called once. */
    URI start(int port) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (server != null) {
                throw new IllegalStateException(name + " already started at " + base);
            }
            AtomicInteger threadNumber = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, threadPrefix + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            try {
                // The JDK server writes headers and body apart; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms
                // to every answer. It reads this property once, when its first server is made.
                System.setProperty("sun.net.httpserver.nodelay", "true");
                HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
                http.createContext("/", handler);
                http.setExecutor(pool);
                http.start();
                server = http;
                executor = pool;
                base = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
                return base;
            } catch (IOException e) {
                pool.shutdownNow();
                throw new IllegalStateException("cannot start the " + name + " on 127.0.0.1:" + port, e);
            }
        }
    }

    /** {@code http://127.0.0.1:PORT}; only after {@link #start(int)}. */
    URI base() {
        synchronized (lifecycle) {
            if (base == null) {
                throw new IllegalStateException(name + " not started");
            }
            return base;
        }
    }

    /** Stops at once: open connections are dropped, threads are stopped. Idempotent. */
    void close() {
        HttpServer http;
        ThreadPoolExecutor pool;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            http = server;
            pool = executor;
        }
        if (http != null) {
            http.stop(0);
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
