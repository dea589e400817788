package dev.paylink.smartpay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    private final ObjectMapper mapper = SmartPayJson.mapper();

    private ErrorBody parse(String body) {
        return ErrorBody.parse(mapper, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void errorsShapeWithTraceId() {
        ErrorBody e = parse("{\"traceId\":\"abc-123\",\"errors\":[{\"message\":\"Amount invalid\",\"code\":\"E42\",\"property\":"
                + "\"payment.amount\",\"context\":{\"max\":10}},{\"message\":\"second\"}]}");

        assertThat(e.traceId()).isEqualTo("abc-123");
        assertThat(e.text()).isEqualTo("E42: Amount invalid (property payment.amount); second");
        assertThat(e.describe()).isEqualTo("E42: Amount invalid (property payment.amount); second (traceId abc-123)");
    }

    @Test
    void errorShapeWithStringMessage() {
        ErrorBody e = parse("{\"error\":\"Not Found\",\"errorDetails\":{},\"message\":\"Payment link does not exist\"}");

        assertThat(e.traceId()).isNull();
        assertThat(e.describe()).isEqualTo("Not Found; Payment link does not exist");
    }

    @Test
    void errorShapeWithObjectMessageAndDetails() {
        ErrorBody e = parse("{\"error\":\"Bad Request\",\"errorDetails\":{\"code\":\"X\"},\"message\":{\"en\":\"bad\\nid\"}}");

        assertThat(e.describe()).isEqualTo("Bad Request; {\"en\":\"bad\\nid\"}; details {\"code\":\"X\"}");
    }

    @Test
    void neitherShapeNeverThrows() {
        assertThat(parse(null).describe()).isEqualTo("empty body");
        assertThat(parse("").describe()).isEqualTo("empty body");
        assertThat(parse("<html>\n<body>Bad gateway</body>\n</html>").describe()).isEqualTo("body: <html> <body>Bad gateway</body> </html>");
        assertThat(parse("[1,2]").describe()).isEqualTo("body: [1,2]");
        assertThat(parse("{\"unexpected\":true}").describe()).isEqualTo("body: {\"unexpected\":true}");
        assertThat(parse("{\"errors\":\"oops\",\"error\":{\"a\":1}}").describe()).startsWith("body: ");
        assertThat(parse("x".repeat(5000)).text()).hasSizeLessThan(420).endsWith("…");
    }
}
