package io.dualhub.central;

import io.dualhub.central.analysis.PredictiveAnalyzer;
import io.dualhub.central.ingest.IngestListener;
import io.dualhub.central.lifecycle.AgentLifecycleManager;
import io.dualhub.central.performance.PerformanceLogger;
import io.dualhub.central.recovery.RecoveryManager;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.central.store.StoreMeters;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.GapDeclaration;
import java.util.List;

/**
 * Where the CentralHub's Ingestor tells what it stored, declared, created and maintained. The performance logger and
 * the recovery manager read the Ingestor, so they are built after it and handed in by {@link #alsoTell} — once,
 * before the hub starts the Ingestor, whose thread is the only caller (its start orders those writes before).
 * The parts told belong to the hub.
 */
final class IngestEvents implements IngestListener {
    private final PredictiveAnalyzer analyzer;
    private final AgentLifecycleManager lifecycle;
    private final MetricStore store;
    private final StoreMeters storeMeters;
    private PerformanceLogger performance;
    private RecoveryManager recovery;

    IngestEvents(
            PredictiveAnalyzer analyzer, AgentLifecycleManager lifecycle, MetricStore store, StoreMeters storeMeters) {
        this.analyzer = analyzer;
        this.lifecycle = lifecycle;
        this.store = store;
        this.storeMeters = storeMeters;
    }

    void alsoTell(PerformanceLogger performance, RecoveryManager recovery) {
        this.performance = performance;
        this.recovery = recovery;
    }

    @Override
    public void stored(Batch batch) {
        performance.stored(batch);
        analyzer.offer(batch);
    }

    @Override
    public void declared(GapDeclaration gap) {
        lifecycle.gapDeclared(gap);
    }

    @Override
    public void streamsCreated(List<String> streams) {
        recovery.streamsCreated(streams, store.stats().edges() > 0);
    }

    @Override
    public void maintained(StoreMaintenance.Result result) {
        storeMeters.maintained(result);
        recovery.storeMaintained(result);
    }
}
