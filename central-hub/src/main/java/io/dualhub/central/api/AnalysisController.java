package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.alerting.DeliveryTarget;
import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.Anomaly;
import io.dualhub.central.analysis.Prediction;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.SerdeImport;
import java.util.List;

/**
 * The PredictiveAnalyzer's findings: {@code GET /api/v1/anomalies[?edge=]} (open and recent incidents),
 * {@code GET /api/v1/predictions[?edge=]} (capacity forecasts) and {@code GET /api/v1/alerts} (what is active now).
 */
@Controller("/api/v1")
@SerdeImport(Anomaly.class)
@SerdeImport(Prediction.class)
@SerdeImport(Alert.class)
@SerdeImport(DeliveryTarget.DeliveryStatus.class)
public class AnalysisController {
    private final CentralHub hub;

    public AnalysisController(CentralHub hub) {
        this.hub = hub;
    }

    @Get("/anomalies")
    public List<Anomaly> anomalies(@Nullable @QueryValue String edge) {
        return hub.analyzer().anomalies(edge);
    }

    @Get("/predictions")
    public List<Prediction> predictions(@Nullable @QueryValue String edge) {
        return hub.analyzer().predictions(edge);
    }

    @Get("/alerts")
    public List<Alert> alerts() {
        return hub.analyzer().alerts().active();
    }

    /** Where this hub delivers alerts, and how that goes (only the leader sends). */
    @Get("/alerting")
    public List<DeliveryTarget.DeliveryStatus> alerting() {
        return hub.alertDelivery().status();
    }
}
