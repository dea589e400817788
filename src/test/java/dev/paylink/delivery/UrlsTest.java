package dev.paylink.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** URLs as people may read them: credentials masked, whatever the text. */
class UrlsTest {

    @Test
    void userInfoAndQueryValuesAreMaskedTheRestStays() {
        assertThat(Urls.masked("https://user:pass@hooks.example.com:8443/in/paylink?token=abc&x=1#frag"))
                .isEqualTo("https://***@hooks.example.com:8443/in/paylink?token=***&x=***");
        assertThat(Urls.masked("https://hooks.example.com/in")).isEqualTo("https://hooks.example.com/in");
        assertThat(Urls.masked("http://127.0.0.1:9/h?SECRETONLY")).isEqualTo("http://127.0.0.1:9/h?***");
        assertThat(Urls.masked("http://[::1]:8080/h?k=v")).isEqualTo("http://[::1]:8080/h?k=***");
    }

    @Test
    void textThatIsNoUrlIsStillMasked() {
        assertThat(Urls.masked("http://us er:pa ss@host/p a t h?token=a b")).isEqualTo("http://***@host/p a t h?token=***");
        assertThat(Urls.masked(null)).isEqualTo("-");
        assertThat(Urls.masked("ops@example.com")).isEqualTo("ops@example.com");
        assertThat(Urls.masked("http://host/\r\nInjected: 1")).doesNotContain("\r", "\n");
        assertThat(Urls.masked("https://host/" + "x".repeat(1000))).hasSize(Urls.MAX_SHOWN + 1);
    }

    @Test
    void isUrlMeansASchemeAndAuthority() {
        assertThat(Urls.isUrl("https://a/b")).isTrue();
        assertThat(Urls.isUrl("crm")).isFalse();
        assertThat(Urls.isUrl("a@b.c, d@e.f")).isFalse();
    }
}
