package io.dualhub.central.store;

import static io.dualhub.common.config.InvalidSetting.require;
import static io.dualhub.common.config.InvalidSetting.requireAtLeast;
import static io.dualhub.common.config.Settings.atLeast;
import static io.dualhub.common.config.Settings.sizeText;
import static io.dualhub.common.config.Settings.text;

import java.time.Duration;

/**
 * Bounds of the metric store, built by {@link #custom()} (each value starting at its default below, the default of
 * its {@code store.*} key) or {@link #ofDefaults()}; every bound is checked here, once, naming the key:
 * <ul>
 *   <li>{@code maxSeriesPerEdge} series in its dictionary per edge (each a few hundred bytes of heap for as long as
 *       the store holds it; a batch that would bring an edge past it is refused whole and accounted as invalid, never
 *       half stored);</li>
 *   <li>{@code failingRestart}: after every commit failed for that long, the hub's liveness goes DOWN so that its
 *       supervisor restarts it (zero: never);</li>
 *   <li>{@code retention} of the raw points, {@code minuteRetention} and {@code hourRetention} of the rollup tiers
 *       ({@link StoreTier}), by the points' own timestamps;</li>
 *   <li>{@code maxDisk}: what the store's file and WAL may use; past it the oldest raw points go first
 *       ({@link StoreMaintenance});</li>
 *   <li>{@code maintenanceInterval}: how often retention and the budget are applied;</li>
 *   <li>{@code memoryLimit}: bytes DuckDB's buffer manager may hold (its own default is 80 % of the machine's memory,
 *       which a store that keeps growing would fill over months beside everything else on the machine; past the
 *       limit DuckDB evicts cached blocks and spills to its temporary directory).</li>
 * </ul>
 */
public record StoreSettings(
        int maxSeriesPerEdge,
        Duration failingRestart,
        Duration retention,
        Duration minuteRetention,
        Duration hourRetention,
        DiskBudget maxDisk,
        Duration maintenanceInterval,
        long memoryLimit) {
    public static final int DEFAULT_MAX_SERIES_PER_EDGE = 1_000_000;
    public static final Duration DEFAULT_FAILING_RESTART = Duration.ofMinutes(5);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(15);
    public static final Duration DEFAULT_MINUTE_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_HOUR_RETENTION = Duration.ofDays(730);
    public static final DiskBudget DEFAULT_MAX_DISK = DiskBudget.share(80);
    public static final Duration DEFAULT_MAINTENANCE_INTERVAL = Duration.ofMinutes(1);
    public static final long DEFAULT_MEMORY_LIMIT = 512L << 20;
    /**
     * A floor, not a measured minimum: it refuses a value mistyped without its unit (64 for 64MiB). DuckDB's own
     * guidance asks for more per thread for large queries; the store's work was not measured below 512 MiB.
     */
    public static final long MIN_MEMORY_LIMIT = 64L << 20;

    /** Refuses a mistyped value; each series costs a few hundred bytes of heap. */
    public static final int MAX_MAX_SERIES_PER_EDGE = 100_000_000;
    /** Refuses zero: a store that keeps nothing. */
    public static final Duration MIN_RETENTION = Duration.ofSeconds(1);

    public static final Duration MIN_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);
    /** A floor that refuses a size mistyped without its unit (20 for 20GiB). */
    public static final long MIN_MAX_DISK_BYTES = 8L << 20;

    public StoreSettings {
        require(
                maxSeriesPerEdge >= 1 && maxSeriesPerEdge <= MAX_MAX_SERIES_PER_EDGE,
                "store.max-series-per-edge",
                maxSeriesPerEdge,
                "an integer from 1 to " + MAX_MAX_SERIES_PER_EDGE);
        requireAtLeast(failingRestart, Duration.ZERO, "store.failing-restart");
        requireAtLeast(retention, MIN_RETENTION, "store.retention");
        require(
                atLeast(minuteRetention, retention),
                "store.rollup-1m-retention",
                text(minuteRetention),
                "at least store.retention (" + text(retention) + ")");
        require(
                atLeast(hourRetention, minuteRetention),
                "store.rollup-1h-retention",
                text(hourRetention),
                "at least store.rollup-1m-retention (" + text(minuteRetention) + ")");
        require(
                maxDisk.percent() > 0 || maxDisk.bytes() >= MIN_MAX_DISK_BYTES,
                "store.max-disk",
                maxDisk.text(),
                "a share of the volume from 1% to 100%, or a size of at least " + sizeText(MIN_MAX_DISK_BYTES)
                        + " like 20GiB");
        requireAtLeast(maintenanceInterval, MIN_MAINTENANCE_INTERVAL, "store.maintenance-interval");
        require(
                memoryLimit >= MIN_MEMORY_LIMIT,
                "store.memory-limit",
                sizeText(memoryLimit),
                "at least " + MIN_MEMORY_LIMIT + " bytes");
    }

    public static StoreSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** How long the tier keeps its data. */
    Duration retention(StoreTier tier) {
        return switch (tier) {
            case RAW -> retention;
            case MINUTE -> minuteRetention;
            case HOUR -> hourRetention;
        };
    }

    /** Starts from the defaults; each setter replaces one bound. */
    public static final class Builder {
        private int maxSeriesPerEdge = DEFAULT_MAX_SERIES_PER_EDGE;
        private Duration failingRestart = DEFAULT_FAILING_RESTART;
        private Duration retention = DEFAULT_RETENTION;
        private Duration minuteRetention = DEFAULT_MINUTE_RETENTION;
        private Duration hourRetention = DEFAULT_HOUR_RETENTION;
        private DiskBudget maxDisk = DEFAULT_MAX_DISK;
        private Duration maintenanceInterval = DEFAULT_MAINTENANCE_INTERVAL;
        private long memoryLimit = DEFAULT_MEMORY_LIMIT;

        private Builder() {}

        public Builder maxSeriesPerEdge(int max) {
            this.maxSeriesPerEdge = max;
            return this;
        }

        public Builder failingRestart(Duration after) {
            this.failingRestart = after;
            return this;
        }

        public Builder retention(Duration raw, Duration minute, Duration hour) {
            this.retention = raw;
            this.minuteRetention = minute;
            this.hourRetention = hour;
            return this;
        }

        public Builder maxDisk(DiskBudget budget) {
            this.maxDisk = budget;
            return this;
        }

        public Builder maintenanceInterval(Duration every) {
            this.maintenanceInterval = every;
            return this;
        }

        public Builder memoryLimit(long bytes) {
            this.memoryLimit = bytes;
            return this;
        }

        public StoreSettings build() {
            return new StoreSettings(
                    maxSeriesPerEdge,
                    failingRestart,
                    retention,
                    minuteRetention,
                    hourRetention,
                    maxDisk,
                    maintenanceInterval,
                    memoryLimit);
        }
    }
}
