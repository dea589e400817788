package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * application.properties lists the route files one by one (a classpath wildcard makes Camel read the whole jar at every
 * start): a route file added to src/main/resources/routes and not listed would silently not be loaded.
 */
class RouteFilesTest {

    @Test
    void everyRouteFileIsListedOnce() throws Exception {
        Properties p = new Properties();
        try (InputStream in = RouteFilesTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        List<String> listed = Arrays.stream(p.getProperty("camel.main.routes-include-pattern").split(",")).map(String::trim).toList();
        List<String> files;
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/routes"))) {
            files = s.map(f -> "classpath:routes/" + f.getFileName()).filter(f -> f.endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(files);
    }
}
