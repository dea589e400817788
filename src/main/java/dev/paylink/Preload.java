package dev.paylink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads the classes a start needs on a second thread while the main thread starts the app, so reading, defining and
 * verifying them (about a third of the main thread's work, out of a 40 MB jar) runs beside it rather than in its way.
 * The list, {@link #LIST}, is the classes one start loaded before its routes were started, in that order (made by
 * bench/preload-classes.sh). Classes are loaded, not initialised: no static initialiser runs earlier or on another thread
 * than without it. A name the jar no longer has is skipped; a stale list only makes the start slower again.
 */
final class Preload {

    static final String LIST = "META-INF/paylink/preload.classes";

    private Preload() {
    }

    /**
     * Starts the loading thread (a daemon: it never holds the JVM up) and returns at once; not with the JVM option
     * {@code -Dpaylink.preload=false} (bench/preload-classes.sh: the list is what the start itself loads), and not when the
     * JVM maps a class data sharing archive (README "Startup"): its classes come ready from the archive, and a second
     * thread reading the list only takes CPU from the start (bench/startup.sh: 1.56 s without it, 1.78 s with it).
     */
    static void start() {
        if ("false".equals(System.getProperty("paylink.preload"))
                || mapsAnArchive(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            return;
        }
        Thread loader = new Thread(Preload::loadAll, "preload");
        loader.setDaemon(true);
        loader.start();
    }

    /** Whether these JVM options map an application class data sharing archive. */
    static boolean mapsAnArchive(List<String> jvmOptions) {
        return jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
    }

    /** Loads every class of the list that can be; returns how many could. */
    static int loadAll() {
        ClassLoader classes = Preload.class.getClassLoader();
        int loaded = 0;
        try (InputStream in = classes.getResourceAsStream(LIST)) {
            if (in == null) {
                return 0;
            }
            BufferedReader names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String name = names.readLine(); name != null; name = names.readLine()) {
                try {
                    Class.forName(name, false, classes);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // gone from the jar since the list was made, or not loadable on its own: the main thread loads what it needs
                }
            }
        } catch (IOException e) {
            // the list cannot be read: nothing is loaded ahead
        }
        return loaded;
    }
}
