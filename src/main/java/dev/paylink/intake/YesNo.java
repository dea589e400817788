package dev.paylink.intake;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads the yes/no values people and systems write for {@code sendMailToCustomer}: true/false, 1/0, yes/no,
 * ja/nein, wahr/falsch (German Excel's TRUE/FALSE), y/n and j, case-insensitive and with surrounding blanks ignored. Anything else is not guessed at,
 * because a wrong guess e-mails (or does not e-mail) a customer.
 */
public final class YesNo {

    private YesNo() {
    }

    /** The value, or empty when the text is none of the accepted spellings. */
    public static Optional<Boolean> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "ja", "wahr", "y", "j" -> Optional.of(Boolean.TRUE);
            case "false", "0", "no", "nein", "falsch", "n" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }
}
