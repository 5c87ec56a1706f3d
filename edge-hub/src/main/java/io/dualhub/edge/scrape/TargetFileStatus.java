package io.dualhub.edge.scrape;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * What the edge reports of a file of scrape targets: how many targets it holds, when it was last read (epoch ms; 0:
 * not yet), and why its last reading failed (its earlier targets are then kept), or null.
 */
@Serdeable
public record TargetFileStatus(
        String file, int targets, long readMs, @Nullable String lastError) {}
