package dev.paylink.smartml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.List;

/**
 * The request body of one batch, exactly as reference/onoffice-smartml.md shows it: token, then the do-actions, each
 * with its own timestamp and HMAC v2 beside (not inside) {@code parameters}, parameter keys in alphabetical order.
 */
final class SmartmlEnvelope {

    static final String ACTION_ID = "urn:onoffice-de-ns:smart:2.5:smartml:action:do";
    static final String RESOURCE_TYPE = "subsequentPaymentLink";
    static final int HMAC_VERSION = 2;

    private SmartmlEnvelope() {
    }

    /**
     * Serialises the batch as compact UTF-8 JSON. Reads the clock once per action and signs with that very value, so
     * every call (every attempt) carries fresh timestamps and HMACs.
     */
    static byte[] build(ObjectMapper mapper, SmartmlCredentials credentials, List<SmartmlAction> actions, Clock clock) {
        ObjectNode root = mapper.createObjectNode();
        root.put("token", credentials.token());
        ArrayNode list = root.putObject("request").putArray("actions");
        for (SmartmlAction action : actions) {
            long timestamp = clock.instant().getEpochSecond();
            PaymentLinkRequest request = action.request();
            ObjectNode node = list.addObject();
            node.put("actionid", ACTION_ID);
            node.put("resourceid", "");
            node.put("resourcetype", RESOURCE_TYPE);
            node.put("identifier", action.identifier());
            node.put("timestamp", timestamp);
            node.put("hmac", HmacV2.sign(credentials.secret(), credentials.token(), timestamp, RESOURCE_TYPE, ACTION_ID));
            node.put("hmac_version", HMAC_VERSION);
            // alphabetical, as the official SDK sends them
            ObjectNode parameters = node.putObject("parameters");
            parameters.put("description", request.description());
            parameters.put("priceNet", request.priceNetText());
            parameters.put("sendMailToCustomer", request.sendMailToCustomer());
            parameters.put("transactionid", request.transactionId());
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of strings and numbers", e);
        }
    }
}
