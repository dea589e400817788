package dev.paylink.intake;

import dev.paylink.smartml.PaymentLinkRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks one {@link RowInput} against the rules of PRODUCT.md §1 and turns it into an {@link AcceptedRow} with its
 * ledger key, or an {@link InvalidRow} whose reason names the field, what was found and what is expected. Only the
 * first problem of a row is reported, with the fields checked in the order transactionid, priceNet, description,
 * sendMailToCustomer, reference, paymentLinkId. A row with only a paymentLinkId (no transactionid, priceNet or
 * description) is accepted for tracking without a request; sendMailToCustomer is not looked at for such a row.
 *
 * <p>Text rules: values are stripped of surrounding blanks (no-break spaces included). A description or reference is refused when it contains
 * a control character (tab and line breaks included), a format character (zero-width space or joiner, bidi
 * overrides, soft hyphen, BOM), a line or paragraph separator (U+2028, U+2029), an unpaired surrogate, or U+FFFD
 * (the mark of bytes that could not be decoded). Lengths count code points.
 */
public final class RowValidator {

    private static final Pattern PAYMENT_LINK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final int MAX_REFERENCE_LENGTH = 128;

    private final IntakeSettings settings;
    private final PriceParser prices;

    public RowValidator(IntakeSettings settings) {
        this.settings = settings;
        this.prices = new PriceParser(settings);
    }

    public Validated validate(RowInput row) {
        if (row.parseError() != null) {
            return invalid(row, null, row.parseError());
        }
        String transactionId = present(row, Column.TRANSACTIONID);
        String priceNet = present(row, Column.PRICENET);
        String description = present(row, Column.DESCRIPTION);
        String reference = present(row, Column.REFERENCE);
        String paymentLinkId = present(row, Column.PAYMENTLINKID);

        if (paymentLinkId != null && transactionId == null && priceNet == null && description == null) {
            return trackingOnly(row, reference, paymentLinkId);
        }
        if (transactionId == null) {
            return invalid(row, Column.TRANSACTIONID, "transactionid is missing");
        }
        if (!settings.transactionIdPattern().matcher(transactionId).matches()) {
            return invalid(row, Column.TRANSACTIONID, "transactionid " + Texts.quoted(transactionId)
                    + " is not well-formed (expected it to match " + settings.transactionIdPattern().pattern() + ")");
        }
        PriceParser.Result price = prices.parse(priceNet);
        if (!price.ok()) {
            return invalid(row, Column.PRICENET, price.problem());
        }
        if (description == null) {
            return invalid(row, Column.DESCRIPTION, "description is missing");
        }
        String problem = textProblem(Column.DESCRIPTION, description, settings.maxDescriptionLength());
        if (problem != null) {
            return invalid(row, Column.DESCRIPTION, problem);
        }
        boolean sendMail = settings.sendMailDefault();
        String sendMailText = present(row, Column.SENDMAILTOCUSTOMER);
        if (sendMailText != null) {
            Optional<Boolean> parsed = YesNo.parse(sendMailText);
            if (parsed.isEmpty()) {
                return invalid(row, Column.SENDMAILTOCUSTOMER, "sendMailToCustomer " + Texts.quoted(sendMailText)
                        + " is not a yes/no value (expected true/false, 1/0, yes/no, ja/nein, wahr/falsch, y/n or j)");
            }
            sendMail = parsed.get();
        }
        Validated bad = checkReferenceAndLink(row, reference, paymentLinkId);
        if (bad != null) {
            return bad;
        }
        PaymentLinkRequest request = new PaymentLinkRequest(transactionId, price.amount(), description, sendMail);
        String key = reference != null ? reference : LedgerKey.of(request);
        return new Validated.Valid(new AcceptedRow(row.line(), key, request, reference, paymentLinkId));
    }

    private Validated trackingOnly(RowInput row, String reference, String paymentLinkId) {
        Validated bad = checkReferenceAndLink(row, reference, paymentLinkId);
        if (bad != null) {
            return bad;
        }
        String key = reference != null ? reference : LedgerKey.tracking(paymentLinkId);
        return new Validated.Valid(new AcceptedRow(row.line(), key, null, reference, paymentLinkId));
    }

    private Validated checkReferenceAndLink(RowInput row, String reference, String paymentLinkId) {
        if (reference != null) {
            String problem = textProblem(Column.REFERENCE, reference, MAX_REFERENCE_LENGTH);
            if (problem != null) {
                return invalid(row, Column.REFERENCE, problem);
            }
        }
        if (paymentLinkId != null && !PAYMENT_LINK_ID.matcher(paymentLinkId).matches()) {
            return invalid(row, Column.PAYMENTLINKID, "paymentLinkId " + Texts.quoted(paymentLinkId)
                    + " is not valid (expected 1 to 64 of the characters A-Z a-z 0-9 . _ : -)");
        }
        return null;
    }

    /** Forbidden characters and length of a stripped, non-empty text; null when fine. */
    private static String textProblem(Column column, String text, int maxLength) {
        int at = Texts.firstForbidden(text);
        if (at >= 0) {
            int cp = text.codePointAt(at);
            return column.header() + " contains " + Texts.codePointName(cp) + " at character "
                    + (text.codePointCount(0, at) + 1)
                    + "; line breaks, tabs and invisible or control characters are not allowed";
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            return column.header() + " is " + length + " characters long; at most " + maxLength + " are allowed";
        }
        return null;
    }

    /** The stripped value, or null when absent or blank. */
    private static String present(RowInput row, Column column) {
        String value = row.value(column);
        if (value == null) {
            return null;
        }
        String stripped = Texts.strip(value);
        return stripped.isEmpty() ? null : stripped;
    }

    private static Validated invalid(RowInput row, Column field, String reason) {
        return new Validated.Invalid(new InvalidRow(row.line(), field == null ? null : field.header(), reason,
                row.values()));
    }
}
