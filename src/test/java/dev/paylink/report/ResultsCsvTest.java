package dev.paylink.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paylink.ledger.ResultLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class ResultsCsvTest {

    private static final ResultLine TRICKY = new ResultLine(2, "R-1", "CREATED", "1100135697", "149.00",
            "Miete; Juni, \"Nr. 5\" — Müller", "https://pay.example/a?x=1;y=2", true, null, null);
    private static final ResultLine PLAIN = new ResultLine(3, "R-2", "REJECTED", "1100135698", "10.00", "b", null, false, 214, "=1+1");

    private static byte[] write(ReportFormat format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8); ResultsCsv csv = new ResultsCsv(w, format)) {
            csv.write(TRICKY);
            csv.write(PLAIN);
        }
        return bytes.toByteArray();
    }

    @Test
    void byDefaultCommasAndNoBom() throws Exception {
        String text = new String(write(ReportFormat.DEFAULT), StandardCharsets.UTF_8);

        assertThat(text).isEqualTo("line,key,status,transactionid,priceNet,description,subsequentPaymentUrl,mailToCustomerSent,errorCode,message\n"
                + "2,R-1,CREATED,1100135697,149.00,\"Miete; Juni, \"\"Nr. 5\"\" — Müller\",https://pay.example/a?x=1;y=2,true,,\n"
                + "3,R-2,REJECTED,1100135698,10.00,b,,false,214,'=1+1\n");
    }

    @Test
    void forGermanExcelABomSemicolonsAndQuotesWhereASemicolonStands() throws Exception {
        byte[] bytes = write(new ReportFormat(';', true));

        assertThat(Arrays.copyOf(bytes, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("line;key;status;transactionid;priceNet;description;subsequentPaymentUrl;mailToCustomerSent;errorCode;message\n"
                + "2;R-1;CREATED;1100135697;149.00;\"Miete; Juni, \"\"Nr. 5\"\" — Müller\";\"https://pay.example/a?x=1;y=2\";true;;\n"
                + "3;R-2;REJECTED;1100135698;10.00;b;;false;214;'=1+1\n");
        // Read back with ';' every value is what was written.
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setDelimiter(';').get().parse(new StringReader(text)).getRecords();
        assertThat(records).hasSize(3);
        assertThat(records.get(1).get(5)).isEqualTo(TRICKY.description());
        assertThat(records.get(1).get(6)).isEqualTo(TRICKY.subsequentPaymentUrl());
        assertThat(records).allSatisfy(r -> assertThat(r.size()).isEqualTo(ResultsCsv.HEADER.length));
    }

    @Test
    void theResolutionAnswersFollowTheSameFormat() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(bytes, StandardCharsets.UTF_8); ResolutionCsv csv = new ResolutionCsv(w, new ReportFormat(';', true))) {
            csv.write(new ResolutionCsv.Line(2, "R-1", "orders.csv", 2L, "drop", "APPLIED", "DROPPED", null, "test; row"));
        }
        byte[] b = bytes.toByteArray();

        assertThat(Arrays.copyOf(b, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        assertThat(new String(b, 3, b.length - 3, StandardCharsets.UTF_8))
                .isEqualTo("line;key;file;fileLine;decision;outcome;newState;url;message\n2;R-1;orders.csv;2;drop;APPLIED;DROPPED;;\"test; row\"\n");
    }

    @Test
    void onlyCommaOrSemicolon() {
        assertThat(ReportFormat.of(";", false)).isEqualTo(new ReportFormat(';', false));
        for (String bad : List.of("|", "\t", ",;", "")) {
            assertThatThrownBy(() -> ReportFormat.of(bad, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("paylink.report.delimiter must be ',' or ';'");
        }
    }
}
