package dev.paylink.intake;

import java.util.Locale;
import java.util.Optional;

/** The input columns the product knows. Header names match case-insensitively, surrounding blanks ignored. */
public enum Column {
    TRANSACTIONID("transactionid"),
    PRICENET("priceNet"),
    DESCRIPTION("description"),
    SENDMAILTOCUSTOMER("sendMailToCustomer"),
    REFERENCE("reference"),
    PAYMENTLINKID("paymentLinkId");

    private final String header;

    Column(String header) {
        this.header = header;
    }

    /** The canonical spelling, as documented and as used in error messages. */
    public String header() {
        return header;
    }

    public static Optional<Column> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        for (Column c : values()) {
            if (c.header.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
