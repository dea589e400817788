package dev.paylink.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/grafana-dashboard.json parses, asks a chosen Prometheus data source, and uses exactly the metric names we document. */
class GrafanaDashboardTest {

    static final Path DASHBOARD = Path.of("docs", "grafana-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:paylink|camel|jvm)_[a-z_]+)\\b");

    /** The names the dashboard may use: ours, the enrichment route's counter, camel-micrometer's and Micrometer's JVM ones. */
    static final Set<String> DOCUMENTED = Set.of("paylink_rows", "paylink_uncertain_open", "paylink_sending_paused", "paylink_tracked_links_open",
            "paylink_deliveries", "paylink_deliveries_oldest_pending_seconds", "paylink_enrichment_requests_total", "camel_exchanges_total",
            "camel_exchanges_failed_total", "camel_route_policy_seconds_bucket", "camel_exchange_event_notifier_seconds_bucket",
            "jvm_memory_used_bytes", "jvm_memory_max_bytes");

    static Set<String> metricNames() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = METRIC.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void theDashboardUsesExactlyTheDocumentedMetricsFromAChosenPrometheus() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());

        assertThat(metricNames()).containsExactlyInAnyOrderElementsOf(DOCUMENTED);
        JsonNode variables = dashboard.at("/templating/list");
        assertThat(variables.findValuesAsText("name")).contains("datasource", "instance");
        assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
        assertThat(dashboard.path("panels")).hasSize(10).allSatisfy(p -> {
            assertThat(p.at("/datasource/uid").asText()).isEqualTo("${datasource}");
            assertThat(p.path("targets")).isNotEmpty().allSatisfy(t -> assertThat(t.path("expr").asText()).contains("$instance"));
        });
        assertThat(dashboard.path("panels").findValuesAsText("title")).contains("Rows by status", "onOffice batches per second",
                "onOffice batch latency p50 / p95", "UNCERTAIN rows open", "Sending paused", "Deliveries pending / dead per output",
                "Tracked links open", "Enrichment requests by outcome", "JVM heap");
    }

    @Test
    void theReadmeNamesEveryMetricOfTheDashboard() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("README.md"));

        for (String name : metricNames()) {
            assertThat(readme).as(name).contains(name.replaceAll("_bucket$", ""));
        }
    }
}
