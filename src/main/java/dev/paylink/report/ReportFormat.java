package dev.paylink.report;

import java.io.IOException;
import java.io.Writer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * How the CSV reports are written ({@code paylink.report.*}): RFC 4180 quoting and LF line ends always, with a field
 * delimiter of {@code ,} (the default) or {@code ;}, and optionally a UTF-8 byte order mark first. German Excel opens a
 * file by double-click correctly only with both {@code ;} and the BOM: it splits at its list separator {@code ;} and
 * reads a file without BOM as Windows-1252.
 *
 * @param delimiter {@code ,} or {@code ;}
 * @param bom       a BOM (U+FEFF, EF BB BF in UTF-8) before the header
 */
public record ReportFormat(char delimiter, boolean bom) {

    /** {@code ,} and no BOM: the RFC 4180 file every CSV reader takes. */
    public static final ReportFormat DEFAULT = new ReportFormat(',', false);

    public ReportFormat {
        if (delimiter != ',' && delimiter != ';') {
            throw invalid(String.valueOf(delimiter));
        }
    }

    /** From the configured text of {@code paylink.report.delimiter} (one character). */
    public static ReportFormat of(String delimiter, boolean bom) {
        if (delimiter == null || delimiter.length() != 1) {
            throw invalid(delimiter);
        }
        return new ReportFormat(delimiter.charAt(0), bom);
    }

    private static IllegalArgumentException invalid(String delimiter) {
        return new IllegalArgumentException("paylink.report.delimiter must be ',' or ';' (for German Excel), not '" + delimiter + "'");
    }

    /** Writes the BOM if asked for, then returns a printer in this format; {@code out} must encode UTF-8. */
    CSVPrinter printer(Writer out) throws IOException {
        if (bom) {
            out.write('\uFEFF');
        }
        return new CSVPrinter(out, CSVFormat.RFC4180.builder().setDelimiter(delimiter).setRecordSeparator("\n").get());
    }
}
