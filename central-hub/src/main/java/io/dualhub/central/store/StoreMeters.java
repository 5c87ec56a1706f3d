package io.dualhub.central.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The store's retention and disk budget as meters: rows deleted by retention and by the budget, and the bytes used
 * beside the budget after the last maintenance run, and the memory DuckDB's buffer manager held then beside
 * {@code store.memory-limit}. Updated on the committing thread, read by the registry.
 */
public final class StoreMeters {
    private final Counter expired;
    private final Counter evicted;
    private volatile long usedBytes;
    private volatile long budgetBytes;
    private volatile long engineMemoryBytes;

    public StoreMeters(MeterRegistry meters, StoreSettings settings) {
        this.expired = Counter.builder("dualhub.central.store.rows.expired")
                .description("Raw points and rollup rows deleted past their tier's retention")
                .register(meters);
        this.evicted = Counter.builder("dualhub.central.store.rows.evicted")
                .description("Oldest raw points (then rollup rows) deleted to stay inside store.max-disk")
                .register(meters);
        Gauge.builder("dualhub.central.store.used.bytes", this, m -> m.usedBytes)
                .description("Bytes the store's database blocks and WAL use")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("dualhub.central.store.budget.bytes", this, m -> m.budgetBytes)
                .description("store.max-disk in bytes")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("dualhub.central.store.engine.memory.bytes", this, m -> m.engineMemoryBytes)
                .description("Memory DuckDB's buffer manager holds for the store")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("dualhub.central.store.engine.memory.limit.bytes", settings, StoreSettings::memoryLimit)
                .description("store.memory-limit in bytes")
                .baseUnit("bytes")
                .register(meters);
    }

    public void maintained(StoreMaintenance.Result result) {
        expired.increment(result.expired());
        evicted.increment(result.evicted());
        usedBytes = result.usedBytes();
        budgetBytes = result.budgetBytes();
        engineMemoryBytes = result.engineMemoryBytes();
    }
}
