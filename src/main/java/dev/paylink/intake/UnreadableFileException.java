package dev.paylink.intake;

/** The file as a whole cannot be read from {@link #line()} on; it goes to the error folder and nothing of it is sent. */
public class UnreadableFileException extends RuntimeException {

    private final long line;

    public UnreadableFileException(long line, String reason) {
        super(reason);
        this.line = line;
    }

    public UnreadableFileException(long line, String reason, Throwable cause) {
        super(reason, cause);
        this.line = line;
    }

    /** 1-based line where reading failed, or 0 when it concerns the file as a whole. */
    public long line() {
        return line;
    }
}
