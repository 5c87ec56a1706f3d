package io.dualhub.central.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store- and export-failing alerts checked by hand against how long each has failed. */
class FailingAlertsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final AtomicLong failingForMs = new AtomicLong();
    private final List<AlertBoard.Change> changes = new ArrayList<>();
    private final AlertBoard board = new AlertBoard(() -> false, (subject, body) -> {}, changes::add);
    private final AtomicLong exportFailingForMs = new AtomicLong();
    private final FailingAlerts alert = new FailingAlerts(
            "c2",
            board,
            List.of(
                    FailingAlerts.Watched.store(
                            "c2", failingForMs::get, () -> "IO Error: No space left on device", Duration.ofMinutes(1)),
                    FailingAlerts.Watched.export(
                            "http://vm:8428/api/v1/write",
                            exportFailingForMs::get,
                            () -> "HTTP 503: busy",
                            Duration.ofMinutes(5))),
            clock);

    @Test
    void raisedOnceEveryCommitFailedForTheSettingAndResolvedByTheNextCommit() {
        failingForMs.set(59_000);
        alert.check();
        assertThat(board.active()).as("a minute not yet passed").isEmpty();

        failingForMs.set(61_000);
        alert.check();
        Alert raised = board.active().get(0);
        assertThat(raised.name()).isEqualTo("DualhubStoreFailing");
        assertThat(raised.severity()).isEqualTo("critical");
        assertThat(raised.hub()).isEqualTo("c2");
        assertThat(raised.aboutItsHub())
                .as("sent by its own hub, standby or not")
                .isTrue();
        assertThat(raised.sinceMs()).isEqualTo(clock.millis() - 61_000);
        assertThat(raised.summary())
                .isEqualTo("the store of CentralHub c2 has failed every commit for 61 s:"
                        + " IO Error: No space left on device");
        assertThat(AlertDocuments.labels(raised)).containsEntry("hub", "c2").doesNotContainKey("edge");

        failingForMs.set(0);
        alert.check();
        assertThat(board.active()).isEmpty();
        assertThat(changes).extracting(AlertBoard.Change::firing).containsExactly(true, false);
    }

    @Test
    void exportFailingRaisedAfterItsOwnSettingNamingTheTarget() {
        exportFailingForMs.set(299_000);
        alert.check();
        assertThat(board.active()).as("five minutes not yet passed").isEmpty();

        exportFailingForMs.set(301_000);
        alert.check();
        Alert raised = board.active().get(0);
        assertThat(raised.name()).isEqualTo("DualhubExportFailing");
        assertThat(raised.aboutItsHub()).isTrue();
        assertThat(raised.summary())
                .isEqualTo("export to http://vm:8428/api/v1/write has failed every request for 301 s (HTTP 503: busy);"
                        + " the points wait in the metrics streams");

        exportFailingForMs.set(0);
        alert.check();
        assertThat(board.active()).isEmpty();
    }
}
