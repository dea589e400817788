package dev.paylink.smartml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/** onOffice answers and batches for tests, shaped like reference/onoffice-smartml.md §Response. */
public final class Answers {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Answers() {
    }

    public static SmartmlAction action(String identifier) {
        return new SmartmlAction(identifier,
                new PaymentLinkRequest("1100135697", new BigDecimal("1100.50"), "Nachzahlung 3D-Rundgang", true));
    }

    /** Top status 200/0 and these results. */
    public static String answer(ObjectNode... results) {
        return answer(200, 0, "OK", results);
    }

    public static String answer(int code, int errorcode, String message, ObjectNode... results) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("status", status(code, errorcode, message));
        ArrayNode list = root.putObject("response").putArray("results");
        for (ObjectNode result : results) {
            list.add(result);
        }
        return root.toString();
    }

    /** Only a top status, no response.results (as onOffice answers a refused token). */
    public static String topOnly(int code, int errorcode, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("status", status(code, errorcode, message));
        root.putArray("response");
        return root.toString();
    }

    public static ObjectNode success(String identifier, String url, Boolean mailSent) {
        ObjectNode result = head(identifier);
        ObjectNode data = result.putObject("data");
        data.putObject("meta").putNull("cntabsolute");
        ObjectNode record = data.putArray("records").addObject();
        record.put("id", 0);
        record.put("type", "");
        ObjectNode inner = record.putObject("elements").putObject("result");
        inner.put("subsequentPaymentUrl", url);
        if (mailSent != null) {
            inner.put("mailToCustomerSent", mailSent);
        }
        result.set("status", status(null, 0, "OK"));
        return result;
    }

    public static ObjectNode error(String identifier, int errorcode, String message) {
        ObjectNode result = head(identifier);
        result.putArray("data");
        result.set("status", status(null, errorcode, message));
        return result;
    }

    private static ObjectNode head(String identifier) {
        ObjectNode result = MAPPER.createObjectNode();
        result.put("actionid", SmartmlEnvelope.ACTION_ID);
        result.put("resourceid", "");
        result.put("resourcetype", SmartmlEnvelope.RESOURCE_TYPE);
        result.put("cacheable", false);
        result.put("identifier", identifier);
        return result;
    }

    private static ObjectNode status(Integer code, int errorcode, String message) {
        ObjectNode status = MAPPER.createObjectNode();
        if (code != null) {
            status.put("code", code);
        }
        status.put("errorcode", errorcode);
        status.put("message", message);
        return status;
    }
}
