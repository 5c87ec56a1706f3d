package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RepeatedErrorsTest {
    @Test
    void aRepeatedErrorIsOneLineAMinuteWithItsCount() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        RepeatedErrors errors = new RepeatedErrors("edge", lines::add, now::get);
        for (int i = 0; i < 240; i++) {
            errors.report("Authorization Violation");
            now.addAndGet(250_000_000L);
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("Authorization Violation", "check nats.user");
        errors.report("Authorization Violation");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("240 times since it was last logged");
        errors.report("Stale Connection");
        assertThat(lines).hasSize(3);
    }
}
