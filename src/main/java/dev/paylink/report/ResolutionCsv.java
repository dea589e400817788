package dev.paylink.report;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code outbox/<drop>.resolution.csv}, the answer to a resolution drop: one line per line of the drop, with
 * what became of it. Same conventions as the results CSV: RFC 4180, LF, UTF-8, formula-like cells neutralised, delimiter
 * and BOM as the {@link ReportFormat} says.
 */
public final class ResolutionCsv implements Closeable {

    public static final String[] HEADER = {"line", "key", "file", "fileLine", "decision", "outcome", "newState", "url", "message"};

    /** One answered line: {@code outcome} APPLIED, ALREADY_APPLIED or REFUSED; {@code fileLine} null when unknown. */
    public record Line(long line, String key, String file, Long fileLine, String decision, String outcome, String newState, String url,
                       String message) {
    }

    private final CSVPrinter printer;

    /** @param out a UTF-8 writer */
    public ResolutionCsv(Writer out, ReportFormat format) throws IOException {
        this.printer = format.printer(out);
        printer.printRecord((Object[]) HEADER);
    }

    public void write(Line l) throws IOException {
        printer.printRecord(l.line(), ResultsCsv.cell(l.key()), ResultsCsv.cell(l.file()), l.fileLine() == null ? "" : l.fileLine().toString(),
                ResultsCsv.cell(l.decision()), l.outcome(), l.newState() == null ? "" : l.newState(), ResultsCsv.cell(l.url()),
                ResultsCsv.cell(l.message()));
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }
}
