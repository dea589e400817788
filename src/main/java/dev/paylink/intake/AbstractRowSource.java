package dev.paylink.intake;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The iterator plumbing the three readers share: one row of look-ahead (so {@link #hasNext()} can skip blank rows),
 * the collected unknown column names (at most {@value #MAX_UNKNOWN_COLUMNS}, so that a file with ever new keys
 * cannot grow memory) and closing the underlying reader. Subclasses only say how to read the next row.
 */
abstract class AbstractRowSource implements RowSource {

    static final int MAX_UNKNOWN_COLUMNS = 100;

    private final FileFacts facts;
    private final Reader reader;
    private final Set<String> unknown = new LinkedHashSet<>();
    private RowInput next;
    private boolean finished;

    AbstractRowSource(FileFacts facts, Reader reader) {
        this.facts = facts;
        this.reader = reader;
    }

    /** The next row, or null at the end of the file. May throw {@link UnreadableFileException}. */
    protected abstract RowInput readNext();

    protected final void unknownColumn(String name) {
        if (unknown.size() < MAX_UNKNOWN_COLUMNS && name != null && !name.isBlank()) {
            unknown.add(Texts.printable(name.strip()));
        }
    }

    @Override
    public final boolean hasNext() {
        if (next == null && !finished) {
            next = readNext();
            finished = next == null;
        }
        return next != null;
    }

    @Override
    public final RowInput next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more rows");
        }
        RowInput row = next;
        next = null;
        return row;
    }

    @Override
    public final FileFacts facts() {
        return facts;
    }

    @Override
    public final List<String> unknownColumns() {
        return Collections.unmodifiableList(new ArrayList<>(unknown));
    }

    @Override
    public void close() throws IOException {
        finished = true;
        next = null;
        reader.close();
    }
}
