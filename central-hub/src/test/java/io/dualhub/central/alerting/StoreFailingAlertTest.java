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

/** The store-failing alert checked by hand against how long the store has failed. */
class StoreFailingAlertTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final AtomicLong failingForMs = new AtomicLong();
    private final List<AlertBoard.Change> changes = new ArrayList<>();
    private final AlertBoard board = new AlertBoard(() -> false, (subject, body) -> {}, changes::add);
    private final StoreFailingAlert alert = new StoreFailingAlert(
            "c2", board, failingForMs::get, () -> "IO Error: No space left on device", Duration.ofMinutes(1), clock);

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
}
