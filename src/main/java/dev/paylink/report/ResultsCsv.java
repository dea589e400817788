package dev.paylink.report;

import dev.paylink.ledger.ResultLine;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code x.results.csv}: RFC 4180 quoting, LF line ends, UTF-8, one line per input row; delimiter and BOM as the
 * {@link ReportFormat} says. A cell that a spreadsheet would run as a formula (starting with {@code = + - @}, tab or CR)
 * is prefixed with {@code '}.
 */
public final class ResultsCsv implements Closeable {

    public static final String[] HEADER = {"line", "key", "status", "transactionid", "priceNet", "description",
        "subsequentPaymentUrl", "mailToCustomerSent", "errorCode", "message"};

    private final CSVPrinter printer;

    /** @param out a UTF-8 writer */
    public ResultsCsv(Writer out, ReportFormat format) throws IOException {
        this.printer = format.printer(out);
        printer.printRecord((Object[]) HEADER);
    }

    public void write(ResultLine r) throws IOException {
        printer.printRecord(r.line(), cell(r.key()), r.status(), cell(r.transactionId()), cell(r.priceNet()), cell(r.description()),
                cell(r.subsequentPaymentUrl()), r.mailToCustomerSent() == null ? "" : r.mailToCustomerSent().toString(),
                r.errorCode() == null ? "" : r.errorCode().toString(), cell(r.message()));
    }

    /** Neutralises a value that a spreadsheet would otherwise evaluate (CSV injection). */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + value : value;
    }

    @Override
    public void close() throws IOException {
        printer.close(true);
    }
}
