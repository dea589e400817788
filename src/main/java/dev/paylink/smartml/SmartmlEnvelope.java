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
    /** The probe's action: a read that creates nothing (the official SDK's own test vector uses it). */
    static final String PROBE_ACTION_ID = "urn:onoffice-de-ns:smart:2.5:smartml:action:get";
    static final String PROBE_RESOURCE_TYPE = "estateCategories";

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

    /** A request with one harmless read action, signed like any other: asks whether onOffice answers, changes nothing. */
    static byte[] probe(ObjectMapper mapper, SmartmlCredentials credentials, Clock clock) {
        ObjectNode root = mapper.createObjectNode();
        root.put("token", credentials.token());
        long timestamp = clock.instant().getEpochSecond();
        ObjectNode node = root.putObject("request").putArray("actions").addObject();
        node.put("actionid", PROBE_ACTION_ID);
        node.put("resourceid", "");
        node.put("resourcetype", PROBE_RESOURCE_TYPE);
        node.put("identifier", "paylink-probe");
        node.put("timestamp", timestamp);
        node.put("hmac", HmacV2.sign(credentials.secret(), credentials.token(), timestamp, PROBE_RESOURCE_TYPE, PROBE_ACTION_ID));
        node.put("hmac_version", HMAC_VERSION);
        node.putObject("parameters");
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of strings and numbers", e);
        }
    }
}
