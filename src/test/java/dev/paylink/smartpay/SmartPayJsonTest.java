package dev.paylink.smartpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paylink.smartpay.PaymentLinkDetails.AdditionalData;
import dev.paylink.smartpay.PaymentLinkDetails.Address;
import dev.paylink.smartpay.PaymentLinkDetails.Consumer;
import dev.paylink.smartpay.PaymentLinkDetails.OrderLine;
import dev.paylink.smartpay.PaymentLinkDetails.Payment;
import dev.paylink.smartpay.PaymentLinkDetails.TemplateContext;
import dev.paylink.smartpay.PaymentLinkDetails.Totals;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The model read leniently from what SmartPay may send. */
class SmartPayJsonTest {

    private final ObjectMapper mapper = SmartPayJson.mapper();

    private <T> SmartPayJson.Lenient<T> read(String json, Class<T> type) throws IOException {
        return SmartPayJson.read(mapper, json.getBytes(StandardCharsets.UTF_8), type);
    }

    @Test
    void everySeedFieldIsRead() throws IOException {
        SmartPayJson.Lenient<PaymentLinkDetails> read = read(FakeSmartPay.resource("full-details.json"), PaymentLinkDetails.class);
        PaymentLinkDetails d = read.value();

        assertThat(read.dropped()).isEmpty();
        assertThat(d.id()).isEqualTo("PL-7f3c9a");
        assertThat(d.creationDate()).isEqualTo(Instant.parse("2022-11-30T18:14:51.227Z"));
        assertThat(d.expiryDate()).isEqualTo(Instant.parse("2022-12-30T18:14:51Z"));
        assertThat(d.successUrl()).isEqualTo("https://merchant.example/paid");
        assertThat(d.failureUrl()).isEqualTo("https://merchant.example/failed");
        assertThat(d.templateContext()).isEqualTo(new TemplateContext("tpl-1", "Makler Standard", "https://merchant.example/logo.png"));
        assertThat(d.customerAccountId()).isEqualTo("CA-123");
        assertThat(d.payment()).isEqualTo(new Payment(new BigDecimal("1100.50"), "EUR", "Nachzahlung 3D-Rundgang"));
        assertThat(d.payment().amount().scale()).isEqualTo(2);
        assertThat(d.billingAddress()).isEqualTo(new Address("Hauptstraße", "Hinterhaus", "3. OG", "Aachen", "DEU", "12a", "52062",
                "NW", "Hauptstraße"));
        assertThat(d.consumer()).isEqualTo(new Consumer("de-DE", "1980-02-29", "erika.mustermann@example.org", "Erika", "Mustermann",
                "female", "+49241123456", "K-0815", "Maria", "+491701234567", "DE123456789", "Europe/Berlin", "Dr",
                "+49241999999"));
        assertThat(d.businessConsumer()).isNull();
        assertThat(d.order().externalOrderReference()).isEqualTo("ORD-2022-0042");
        assertThat(d.order().additionalData()).containsExactly(new AdditionalData("objectNumber", "OBJ-17"),
                new AdditionalData("agent", "Müller"));
        assertThat(d.order().lines()).containsExactly(new OrderLine(1, "3D-TOUR", "3D-Rundgang", new BigDecimal("2"),
                new BigDecimal("462.40"), new BigDecimal("87.856"), new BigDecimal("550.25"), new BigDecimal("19.00"),
                new BigDecimal("924.80"), new BigDecimal("175.70"), new BigDecimal("1100.50")));
        OrderLine line = d.order().lines().get(0);
        assertThat(line.unitPrice().toPlainString()).isEqualTo("462.40");
        assertThat(line.vatPercent().toPlainString()).isEqualTo("19.00");
        assertThat(d.totals()).isEqualTo(new Totals(new BigDecimal("1100.50"), new BigDecimal("924.80"), new BigDecimal("175.70")));
        assertThat(d.paymentUrl()).isEqualTo("https://pay.smartpay.example/hpp/PL-7f3c9a");
        assertThat(d.qrCodeUrl()).isEqualTo("https://pay.smartpay.example/qr/PL-7f3c9a.png");
        assertThat(d.latestTransactionId()).isEqualTo("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
        assertThat(d.latestTransactionStatus()).isEqualTo("AUTHORIZED");
    }

    @ParameterizedTest
    @CsvSource({
            "2022-11-30T18:14:51.227Z,      2022-11-30T18:14:51.227Z",
            "2022-11-30T18:14:51Z,          2022-11-30T18:14:51Z",
            "2022-11-30T19:14:51.227+01:00, 2022-11-30T18:14:51.227Z",
            "2022-11-30T19:14:51+01:00,     2022-11-30T18:14:51Z",
            "2022-11-30T18:14:51.227123Z,   2022-11-30T18:14:51.227123Z"})
    void readsInstantsWithOrWithoutMillisAndWithAnOffset(String sent, String expected) throws IOException {
        PaymentLinkDetails d = read("{\"expiryDate\":\"" + sent + "\"}", PaymentLinkDetails.class).value();

        assertThat(d.expiryDate()).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"1100.50, 1100.50", "0.10, 0.10", "12, 12", "1E+3, 1E+3", "'\"7.00\"', 7.00"})
    void amountsKeepTheirExactDecimalForm(String sent, String expected) throws IOException {
        PaymentLinkDetails d = read("{\"payment\":{\"amount\":" + sent + "}}", PaymentLinkDetails.class).value();

        assertThat(d.payment().amount()).isEqualTo(new BigDecimal(expected));
        assertThat(d.payment().amount().toString()).isEqualTo(new BigDecimal(expected).toString());
    }

    @Test
    void aHouseNumberIsReadUnderEitherName() throws IOException {
        assertThat(read("{\"billingAddress\":{\"houseNumber\":\"7\"}}", PaymentLinkDetails.class).value().billingAddress().houseNumber())
                .isEqualTo("7");
    }

    @Test
    void nullsAndEmptyObjectsAreFine() throws IOException {
        PaymentLinkDetails d = read("{\"id\":null,\"payment\":{},\"consumer\":null,\"order\":{\"lines\":null},\"totals\":\"\"}",
                PaymentLinkDetails.class).value();

        assertThat(d.id()).isNull();
        assertThat(d.payment()).isEqualTo(new Payment(null, null, null));
        assertThat(d.order().lines()).isNull();
        assertThat(d.totals()).isNull();
    }

    @Test
    void theBusinessConsumerNamesTheLinkWhenThereIsNoPerson() throws IOException {
        PaymentLinkDetails d = read("{\"id\":\"b\",\"consumer\":{\"firstName\":\" \"},"
                + "\"businessConsumer\":{\"companyName\":\"Immo GmbH\",\"emailAddress\":\"info@immo.example\",\"vatId\":\"DE1\"}}",
                PaymentLinkDetails.class).value();

        PaymentLinkSnapshot snapshot = d.toSnapshot(null);
        assertThat(snapshot.consumerName()).isEqualTo("Immo GmbH");
        assertThat(snapshot.consumerEmail()).isEqualTo("info@immo.example");
    }

    @Test
    void aPersonWithOnlyOneNameIsTrimmed() throws IOException {
        PaymentLinkDetails d = read("{\"consumer\":{\"lastName\":\" Mustermann \"}}", PaymentLinkDetails.class).value();

        assertThat(d.consumerName()).isEqualTo("Mustermann");
    }

    @Test
    void thePaymentStatusIsReadWithItsModificationsAsTrees() throws IOException {
        PaymentStatusDetails s = read("{\"paymentStatus\":\"SETTLED\",\"paymentLinkId\":\"PL-1\",\"transactionOverview\":{"
                + "\"transactionId\":\"t-1\",\"amount\":1100.50,\"currencyCode\":\"EUR\",\"paymentMethod\":\"CARD\",\"x\":1},"
                + "\"modifications\":[{\"type\":\"CAPTURE\",\"amount\":1100.50}],\"new\":true}", PaymentStatusDetails.class).value();

        assertThat(s.paymentStatus()).isEqualTo("SETTLED");
        assertThat(s.paymentLinkId()).isEqualTo("PL-1");
        assertThat(s.transactionOverview().transactionId()).isEqualTo("t-1");
        assertThat(s.transactionOverview().amount()).isEqualTo(new BigDecimal("1100.50"));
        assertThat(s.transactionOverview().currencyCode()).isEqualTo("EUR");
        assertThat(s.transactionOverview().paymentMethod().asText()).isEqualTo("CARD");
        assertThat(s.modifications()).hasSize(1);
        assertThat(s.modifications().get(0).get("amount").decimalValue()).isEqualTo(new BigDecimal("1100.50"));
        assertThat(s.modifications().get(0).get("amount").decimalValue().scale()).isEqualTo(2);

        PaymentLinkDetails d = read("{\"id\":\"PL-1\",\"latestTransactionStatus\":\"CREATED\"}", PaymentLinkDetails.class).value();
        assertThat(d.toSnapshot(s).rawStatus()).isEqualTo("SETTLED");
        assertThat(d.toSnapshot(s).statusClass()).isEqualTo(PaymentStatusClass.PAID);
        assertThat(d.toSnapshot(null).rawStatus()).isEqualTo("CREATED");
    }

    @Test
    void misfitsAreDroppedAndNamed() throws IOException {
        SmartPayJson.Lenient<PaymentLinkDetails> read = read("{\"id\":\"PL-1\",\"creationDate\":\"yesterday\","
                + "\"order\":{\"externalOrderReference\":\"R\",\"lines\":[{\"lineNumber\":\"one\",\"itemName\":\"A\"},7]}}",
                PaymentLinkDetails.class);

        assertThat(read.value().id()).isEqualTo("PL-1");
        assertThat(read.value().creationDate()).isNull();
        assertThat(read.value().order().externalOrderReference()).isEqualTo("R");
        assertThat(read.value().order().lines()).containsExactly(
                new OrderLine(null, null, "A", null, null, null, null, null, null, null, null));
        assertThat(read.dropped()).extracting(s -> s.substring(0, s.indexOf(' ')))
                .containsExactly("creationDate", "order.lines[0].lineNumber", "order.lines[1]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "'   '", "'[]'", "'\"text\"'", "'null'", "'{\"id\":'", "'<html></html>'"})
    void aBodyThatIsNoJsonObjectIsAnError(String body) {
        assertThatThrownBy(() -> read(body, PaymentLinkDetails.class)).isInstanceOf(IOException.class);
    }
}
