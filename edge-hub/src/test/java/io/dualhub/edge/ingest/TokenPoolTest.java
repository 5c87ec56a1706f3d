package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenPoolTest {
    @Test
    void aRepeatedTokenIsTheInstanceSeenFirst() {
        TokenPool pool = new TokenPool();
        String body = "cpu,host=a cpu,host=a";
        String first = pool.get(body, 0, 3);
        assertThat(pool.get(body, 11, 14)).isEqualTo("cpu").isSameAs(first);
        assertThat(pool.get(body, 4, 8)).isEqualTo("host");
    }

    @Test
    void manyDistinctTokensAreEachReturnedRightWhateverTheyEvict() {
        TokenPool pool = new TokenPool();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = "v" + i;
            String body = "x=" + token + " ";
            assertThat(pool.get(body, 2, 2 + token.length())).isEqualTo(token);
            seen.add(token);
        }
        assertThat(seen).hasSize(10_000);
    }
}
