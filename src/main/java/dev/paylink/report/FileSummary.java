package dev.paylink.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code x.summary.json}: what became of one dropped file.
 *
 * @param status  COMPLETED, or FAILED when the file could not be read (then {@code error} says why and nothing was sent) or
 *                changed while it was being sent (then {@code counts} says what was sent before sending stopped)
 * @param counts  rows per result status, every status present (zero included)
 * @param run     the ledger's id of the run these reports belong to (a file of the same name dropped again is another run,
 *                and its reports are written beside these, never over them)
 * @param movedTo where the input file was moved (archive or error folder)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileSummary(String file, Long run, String status, String sha256, String format, String charset, String delimiter,
                          long rows, Map<String, Long> counts, List<String> unknownColumns, String error, Long errorLine,
                          String resultsFile, String movedTo, String startedAt, String finishedAt) {

    /** A summary that belongs to no run (a file refused before a run could start). */
    public FileSummary(String file, String status, String sha256, String format, String charset, String delimiter, long rows,
                       Map<String, Long> counts, List<String> unknownColumns, String error, Long errorLine, String resultsFile,
                       String movedTo, String startedAt, String finishedAt) {
        this(file, null, status, sha256, format, charset, delimiter, rows, counts, unknownColumns, error, errorLine, resultsFile, movedTo,
                startedAt, finishedAt);
    }
}
