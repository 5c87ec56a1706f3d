package io.dualhub.edge.scrape;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A target's last scrape as the edge reports it ({@code /health}, {@code ./dualhub edge-status}).
 *
 * @param health      {@code unknown} before its first scrape, then {@code up} or {@code down}
 * @param lastScrapeMs when the last scrape started (epoch ms; 0: none yet)
 * @param durationMs  how long it took
 * @param samples     samples the page held
 * @param skipped     samples of it not kept: values that are not finite numbers, or ones that break the edge's
 *                    point bounds (see {@code lastError})
 * @param lastError   why the last scrape failed, or why samples were skipped; null when all went well
 */
@Serdeable
public record TargetStatus(
        String job,
        String url,
        String health,
        long lastScrapeMs,
        long durationMs,
        int samples,
        int skipped,
        @Nullable String lastError) {
    static TargetStatus unknown(ScrapeTarget target) {
        return new TargetStatus(target.job(), target.url().toString(), "unknown", 0, 0, 0, 0, null);
    }

    boolean up() {
        return health.equals("up");
    }
}
