package dev.paylink.intake;

import java.io.Closeable;
import java.util.Iterator;
import java.util.List;

/**
 * Streams the rows of one dropped file. Memory does not grow with the file.
 * {@link #next()} may throw {@link UnreadableFileException} when the rest of the file cannot be read
 * (e.g. a quote never closed, a JSON array cut off): the whole file is then refused.
 */
public interface RowSource extends Iterator<RowInput>, Closeable {

    /** The facts the reader found about the file (format, charset, delimiter). */
    FileFacts facts();

    /** Column names present in the file that the product does not know, in order of first appearance. */
    List<String> unknownColumns();
}
