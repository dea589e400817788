package dev.paylink.enrichment;

import dev.paylink.ledger.TrackedLink;
import dev.paylink.ledger.TrackedLinks;
import dev.paylink.report.ResultsCsv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code outbox/x.payments.csv} beside {@code x.results.csv}: every tracked payment link of input file
 * {@code x}, in line order, as last seen. Rewritten (under a temporary name, then renamed) after each cycle that
 * looked at one of its links.
 */
public class PaymentReports {

    public static final String[] HEADER = {"line", "key", "paymentLinkId", "tracking", "status", "statusClass", "amount", "currency",
        "expiryDate", "consumerName", "consumerEmail", "paymentUrl", "qrCodeUrl", "latestTransactionId", "lastCheckedAt",
        "nextCheckAt", "lastError"};
    private static final int PAGE = 1000;
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

    private final TrackedLinks links;
    private final Path outbox;

    public PaymentReports(TrackedLinks links, Path outbox) {
        this.links = links;
        this.outbox = outbox;
    }

    public Path write(long fileId, String fileName) {
        String base = links.reportBase(fileId).orElseGet(() -> {
            int dot = fileName.lastIndexOf('.');
            return dot > 0 ? fileName.substring(0, dot) : fileName;
        });
        Path target = outbox.resolve(base + ".payments.csv");
        Path tmp = outbox.resolve("." + base + ".payments.csv.tmp");
        try {
            Files.createDirectories(outbox);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); CSVPrinter csv = new CSVPrinter(w, FORMAT)) {
                csv.printRecord((Object[]) HEADER);
                long after = 0;
                for (List<TrackedLink> page = links.ofFile(fileId, after, PAGE); !page.isEmpty(); page = links.ofFile(fileId, after, PAGE)) {
                    for (TrackedLink l : page) {
                        csv.printRecord(l.line(), cell(l.entryKey()), cell(l.paymentLinkId()),
                                l.tracking(), cell(l.statusRaw()), l.statusClass() == null ? "" : l.statusClass().name(),
                                l.amount() == null ? "" : l.amount().toPlainString(), cell(l.currency()), text(l.expiryDate()),
                                cell(l.consumerName()), cell(l.consumerEmail()), cell(l.paymentUrl()), cell(l.qrCodeUrl()),
                                cell(l.latestTransactionId()), text(l.lastCheckedAt()),
                                TrackedLinks.OPEN.equals(l.tracking()) ? text(l.nextCheckAt()) : "", cell(l.lastError()));
                    }
                    after = page.get(page.size() - 1).line();
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    private static String cell(String s) {
        return ResultsCsv.cell(s);
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }
}
