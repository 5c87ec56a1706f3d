package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.config.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may read and who may act, by token. */
class ApiAccessTest {
    private static final Map<String, String> ENV = Map.of("VIEW", "v-123", "OPERATE", "o-456");
    private final ApiAccess access = new ApiAccess(
            Secret.resolve("api.viewer-token", "env:VIEW", ENV::get),
            Secret.resolve("api.operator-token", "env:OPERATE", ENV::get));

    @Test
    void withoutTokensConfiguredTheApiIsOpen() {
        ApiAccess open = new ApiAccess(null, null);
        assertThat(open.judge("POST", null).status()).isZero();
    }

    @Test
    void aMissingOrUnknownTokenIs401() {
        assertThat(access.judge("GET", null).status()).isEqualTo(401);
        assertThat(access.judge("GET", "Basic dXNlcjpwYXNz").status()).isEqualTo(401);
        assertThat(access.judge("GET", "Bearer v-124").reason()).isEqualTo("the token is not valid here");
    }

    @Test
    void aViewerReadsButMayNotAct() {
        assertThat(access.judge("GET", "Bearer v-123").status()).isZero();
        ApiAccess.Verdict post = access.judge("POST", "Bearer v-123");
        assertThat(post.status()).isEqualTo(403);
        assertThat(post.reason()).contains("POST needs the operator token");
    }

    @Test
    void anOperatorReadsAndActs() {
        assertThat(access.judge("GET", "Bearer o-456").status()).isZero();
        assertThat(access.judge("POST", "Bearer o-456").status()).isZero();
    }

    @Test
    void oneTokenAloneClosesTheApi() {
        ApiAccess operatorOnly = new ApiAccess(null, Secret.resolve("api.operator-token", "env:OPERATE", ENV::get));
        assertThat(operatorOnly.judge("GET", null).status()).isEqualTo(401);
        assertThat(operatorOnly.judge("GET", "Bearer o-456").status()).isZero();
    }
}
