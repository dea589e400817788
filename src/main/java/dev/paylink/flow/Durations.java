package dev.paylink.flow;

import java.time.Duration;

/** Durations as people read them in a log line: {@code 30 s}, {@code 5 min}, {@code 1 h 30 min}, {@code 250 ms}. */
public final class Durations {

    private Durations() {
    }

    public static String spoken(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = d.toSeconds();
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        StringBuilder b = new StringBuilder();
        if (h > 0) {
            b.append(h).append(" h");
        }
        if (m > 0) {
            b.append(b.isEmpty() ? "" : " ").append(m).append(" min");
        }
        if (sec > 0 || b.isEmpty()) {
            b.append(b.isEmpty() ? "" : " ").append(sec).append(" s");
        }
        return b.toString();
    }
}
