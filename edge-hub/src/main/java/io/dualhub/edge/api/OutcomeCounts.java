package io.dualhub.edge.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** One input's counter of samples or points by outcome ({@code accepted}, {@code duplicate}, ...), in its meters. */
final class OutcomeCounts {
    private final MeterRegistry meters;
    private final String name;
    private final String description;

    OutcomeCounts(MeterRegistry meters, String name, String description) {
        this.meters = meters;
        this.name = name;
        this.description = description;
    }

    void count(String outcome, long n) {
        if (n > 0) {
            Counter.builder(name)
                    .description(description)
                    .tag("outcome", outcome)
                    .register(meters)
                    .increment(n);
        }
    }
}
