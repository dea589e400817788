package dev.paylink.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A jar the build packages, run as a user runs it: a JVM of its own, started by {@code java -jar} ({@link #JAR}, the
 * production jar, or {@link #SANDBOX_JAR}, the demo) or {@code java -cp}, its output in a log file. The test stops it with SIGTERM ({@link #stop(Duration)}) or SIGKILL ({@link #kill()});
 * {@link #close()} kills it if it still runs, so a test can always end it in a finally or try-with-resources.
 */
public final class JarProcess implements AutoCloseable {

    /** The production jar {@code mvn package} builds: no simulators in it. */
    public static final Path JAR = Path.of("target", "paylink-routes.jar");
    /** The sandbox jar {@code mvn package} builds beside it: the simulators; its manifest adds {@link #JAR} and GreenMail to the class path. */
    public static final Path SANDBOX_JAR = Path.of("target", "paylink-routes-sandbox.jar");
    /** Exit code of a JVM ended by SIGKILL (128 + 9): nothing of it ran after the signal. */
    public static final int SIGKILL_EXIT = 137;

    private final Process process;
    private final Path log;
    private final StringBuilder seen = new StringBuilder();
    private long readUpTo;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmOptions> -jar target/paylink-routes.jar} with {@code env} added to this JVM's
     * environment; standard output and error go to {@code log} (replaced).
     */
    public static JarProcess start(Path log, Map<String, String> env, List<String> jvmOptions) throws IOException {
        return start(JAR, log, env, jvmOptions, null);
    }

    /**
     * As {@link #start(Path, Map, List)}, with {@code java -jar jar}, in the working directory {@code workingDirectory} (null: this JVM's).
     * The jar's class data sharing archive ({@link #archive}) is mapped, as the README's run command maps it.
     */
    public static JarProcess start(Path jar, Path log, Map<String, String> env, List<String> jvmOptions, Path workingDirectory) throws IOException {
        List<String> arguments = new ArrayList<>();
        if (Files.exists(archive(jar))) {
            arguments.add("-XX:SharedArchiveFile=" + archive(jar).toAbsolutePath());
        }
        arguments.addAll(jvmOptions);
        arguments.add("-jar");
        arguments.add(jar.toAbsolutePath().toString());
        return java(log, env, arguments, workingDirectory);
    }

    /** The class data sharing archive {@code mvn package} makes for {@code jar}: target/paylink-routes.jsa for target/paylink-routes.jar. */
    public static Path archive(Path jar) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + ".jsa");
    }

    /** Starts {@code java <arguments>} (e.g. {@code -cp <jar> <main class> <args>}), as {@link #start(Path, Path, Map, List, Path)} does. */
    public static JarProcess java(Path log, Map<String, String> env, List<String> arguments, Path workingDirectory) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (arguments.stream().noneMatch(o -> o.startsWith("-Dcamel.management.port="))) {
            // The management server (health, metrics) on a free port: tests run side by side, and next to a running app.
            command.add("-Dcamel.management.port=0");
        }
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        pb.environment().putAll(env);
        return new JarProcess(pb.start(), log);
    }

    /** Waits until the app exits by itself and returns its exit code; fails with the end of the log if it still runs after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the app still runs " + timeout.toSeconds() + " s after start; end of " + log + ":\n" + tail(40));
        }
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * What the app has logged so far (complete lines only). Reads only what was added since the last call, so
     * it is cheap enough to poll every millisecond.
     */
    public synchronized String output() {
        readNew();
        return seen.toString();
    }

    /** Whether the app has logged a line containing {@code text}. */
    public synchronized boolean logged(String text) {
        readNew();
        return seen.indexOf(text) >= 0;
    }

    private void readNew() {
        try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
            long length = in.length();
            if (length > readUpTo) {
                byte[] added = new byte[(int) (length - readUpTo)];
                in.seek(readUpTo);
                in.readFully(added);
                int end = added.length;
                while (end > 0 && added[end - 1] != '\n') {
                    end--;
                }
                seen.append(new String(added, 0, end, StandardCharsets.UTF_8));
                readUpTo += end;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    /**
     * Waits, polling every millisecond, until the app logs {@code text}; fails at once, with the end of the log,
     * if the app exits first.
     */
    public void awaitLogged(String text, Duration timeout) {
        await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> logged(text) || failIfExited("'" + text + "' was logged"));
    }

    /** Throws with the end of the log when the app is no longer running; false otherwise. For await conditions. */
    public boolean failIfExited(String waitingFor) {
        if (!process.isAlive()) {
            throw new AssertionError("the app exited (code " + process.exitValue() + ") before " + waitingFor + "; end of "
                    + log + ":\n" + tail(40));
        }
        return false;
    }

    /** The last {@code lines} lines of the log. */
    public String tail(int lines) {
        String[] all = output().split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux); returns the exit code once the process is gone. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the app did not die within 30 s of SIGKILL");
        }
        return process.exitValue();
    }

    /** SIGTERM (a graceful stop); returns whether the app ended within {@code timeout}. */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code; only once the process has ended. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Kills the app if it still runs, and waits until it is gone. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
