package dev.paylink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The preload list (bench/preload-classes.sh) still fits the class path: a stale list would only make starts slower, silently. */
class PreloadTest {

    @Test
    void nearlyEveryListedClassLoads() throws Exception {
        List<String> names;
        try (InputStream in = Preload.class.getClassLoader().getResourceAsStream(Preload.LIST)) {
            assertThat(in).as(Preload.LIST).isNotNull();
            names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(names).hasSizeGreaterThan(1000).contains(Application.class.getName());
        // A few may not load on a test class path (the JDK's own hidden helpers); most missing means the list is stale.
        assertThat(Preload.loadAll()).as("classes of %s that load; run bench/preload-classes.sh", Preload.LIST)
                .isGreaterThan(names.size() * 95 / 100);
    }

    @Test
    void notBesideAClassDataSharingArchive() {
        assertThat(Preload.mapsAnArchive(List.of("-Xmx256m", "-XX:SharedArchiveFile=target/paylink-routes.jsa"))).isTrue();
        assertThat(Preload.mapsAnArchive(List.of("-Xmx256m", "-Dpaylink.data=x"))).isFalse();
    }
}
