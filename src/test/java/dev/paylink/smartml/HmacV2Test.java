package dev.paylink.smartml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The test vectors of reference/onoffice-smartml.md, and the two wrong answers we must not produce. */
class HmacV2Test {

    private static final String PREFIX = "urn:onoffice-de-ns:smart:2.5:smartml:action:";

    @Test
    void sdkVectorEstateCategories() {
        assertThat(HmacV2.sign("yOJobbhGLXdp90XxvxedFhH7073L9U", "mgjIQkNRnaqggVzy9cZW", 123456789L,
                "estateCategories", PREFIX + "get"))
                .isEqualTo("dsvg3r4AFcQXges0MZ+3auzQVfnEB39pLkKSgmm9Wvg=");
    }

    @Test
    void sdkVectorCalendar() {
        assertThat(HmacV2.sign("testsecret", "testtoken", 1646228220L, "calendar", PREFIX + "read"))
                .isEqualTo("w6ifKMmAdJoKhu0vl2twvfP+ltyOTQ7LqLpvsZkOnlg=");
    }

    @Test
    void subsequentPaymentLinkVector() {
        assertThat(HmacV2.sign("testsecret", "testtoken", 1700000000L, "subsequentPaymentLink", PREFIX + "do"))
                .isEqualTo("b7ev5yaQXYlZ9JVFSVLGg0reUxHtjkqTKCSVeNrJdSY=");
    }

    @Test
    void isNeitherTheKeyNamesVariantNorHex() {
        String hmac = HmacV2.sign("testsecret", "testtoken", 1646228220L, "calendar", PREFIX + "read");
        assertThat(hmac)
                .isNotEqualTo("Cjc5EbPIvbDr4u9dgrS8Qb5H0GyYROtYc/18WgFFBvY=")
                .isNotEqualTo("c3a89f28c980749a0a86ed2f976b70bdf3fe96dc8e4d0ecba8ba6fb1990e9e58")
                .hasSize(44)
                .endsWith("=");
    }
}
