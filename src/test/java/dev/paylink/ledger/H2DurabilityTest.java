package dev.paylink.ledger;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class H2DurabilityTest {

    @Test
    void anH2FileLedgerWithoutWriteDelayZeroIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> H2Durability.check("jdbc:h2:file:/data/ledger"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("paylink.ledger.url: ").hasMessageContaining("WRITE_DELAY=0");
        assertThatThrownBy(() -> H2Durability.check("jdbc:h2:file:/data/ledger;WRITE_DELAY=500")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durableH2UrlsAndOtherDatabasesPass() {
        assertThatCode(() -> H2Durability.check("jdbc:h2:file:/data/ledger;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0")).doesNotThrowAnyException();
        assertThatCode(() -> H2Durability.check("jdbc:h2:/data/ledger;write_delay=0")).doesNotThrowAnyException();
        assertThatCode(() -> H2Durability.check("jdbc:h2:mem:test")).doesNotThrowAnyException();
        assertThatCode(() -> H2Durability.check("jdbc:postgresql://127.0.0.1:5432/test")).doesNotThrowAnyException();
    }
}
