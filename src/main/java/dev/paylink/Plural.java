package dev.paylink;

/** Counts as people read them in a log line: {@code 1 row}, {@code 2 rows}, {@code 1 entry}, {@code 3 entries}. */
public final class Plural {

    private Plural() {
    }

    /** {@code n} and the noun, with an {@code s} unless {@code n} is 1. */
    public static String of(long n, String one) {
        return of(n, one, one + "s");
    }

    /** {@code n} and the noun in the form that fits. */
    public static String of(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
