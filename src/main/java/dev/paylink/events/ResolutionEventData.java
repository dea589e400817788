package dev.paylink.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What a {@code link.resolved} event says: which row (ledger key, input file and line), what a person decided
 * ({@code resend}, {@code created}, {@code rejected}, {@code drop}), the state before and after (for a resend: the
 * outcome of sending it again), the link, the person's reason, and who decided when (the drop's name and time).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResolutionEventData(String key, String file, long line, String decision, String previousState, String newState,
                                  String subsequentPaymentUrl, String reason, String decidedBy, Instant decidedAt) {
}
