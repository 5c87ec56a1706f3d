package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.performance.PerformanceLogger;
import io.dualhub.common.wire.Latency;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.SerdeImport;
import java.util.List;

/**
 * {@code GET /api/v1/performance}: per edge the stored rate and latency percentiles, and the store's commit latency.
 */
@Controller("/api/v1")
@SerdeImport(PerformanceLogger.Report.class)
@SerdeImport(PerformanceLogger.RateHistory.class)
@SerdeImport(PerformanceLogger.EdgePerformance.class)
@SerdeImport(PerformanceLogger.PipelineSample.class)
@SerdeImport(Latency.class)
public class PerformanceController {
    private final CentralHub hub;

    public PerformanceController(CentralHub hub) {
        this.hub = hub;
    }

    @Get("/performance")
    public PerformanceLogger.Report performance() {
        return hub.performance().report();
    }

    /** Each edge's stored rate per minute over the last half hour: the fleet page's sparklines. */
    @Get("/performance/rates")
    public PerformanceLogger.RateHistory rates() {
        return hub.performance().rates();
    }

    /** The pipeline every 10 s over the last half hour: the Pipeline page's charts. */
    @Get("/performance/history")
    public List<PerformanceLogger.PipelineSample> history() {
        return hub.performance().history();
    }
}
