package io.dualhub.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parts start in order and close in reverse, each close on its own; a part that fails to start closes every part and
 * is named; a failing close neither stops the others nor hides the start failure.
 */
class ComponentsTest {
    private final List<String> events = new ArrayList<>();
    private final Components parts = new Components("hub x");

    private void add(String name) {
        parts.add(name, () -> events.add("start " + name), () -> events.add("close " + name));
    }

    @Test
    void startsInOrderAndClosesInReverse() {
        parts.opened("store", () -> events.add("close store"));
        add("a");
        add("b");
        parts.add("c", () -> events.add("start c"));

        parts.start();
        parts.close();

        assertThat(events).containsExactly("start a", "start b", "start c", "close b", "close a", "close store");
    }

    @Test
    void aSecondCloseDoesNothing() {
        add("a");
        parts.start();
        parts.close();
        parts.close();

        assertThat(events).containsExactly("start a", "close a");
    }

    @Test
    void aFailingStartClosesEveryPartInReverseAndIsNamed() {
        parts.opened("store", () -> events.add("close store"));
        add("a");
        parts.add(
                "b",
                () -> {
                    throw new IllegalArgumentException("bad setting");
                },
                () -> events.add("close b"));
        add("c");

        assertThatThrownBy(parts::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("hub x: b failed to start (bad setting)")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        // c never started, b half did: all close, since whoever called start has nothing left to close.
        assertThat(events).containsExactly("start a", "close c", "close b", "close a", "close store");

        parts.close();
        assertThat(events).hasSize(5);
    }

    @Test
    void aFailingCloseDoesNotStopTheOthers() {
        add("a");
        parts.add("b", () -> events.add("start b"), () -> {
            throw new IllegalStateException("b will not close");
        });
        add("c");
        parts.start();

        parts.close();

        assertThat(events).containsExactly("start a", "start b", "start c", "close c", "close a");
    }

    @Test
    void closeFailuresAfterAFailingStartAreSuppressedInTheStartFailure() {
        parts.add("a", () -> {}, () -> {
            throw new IllegalStateException("a will not close");
        });
        add("b");
        parts.add("c", () -> {
            throw new IllegalArgumentException("bad setting");
        });

        assertThatThrownBy(parts::start)
                .hasMessageContaining("c failed to start")
                .satisfies(e -> assertThat(e.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .containsExactly("a will not close"));
        assertThat(events).containsExactly("start b", "close b");
    }

    @Test
    void closeAfterAddsCloseFailuresToTheGivenFailure() {
        add("a");
        parts.add("b", () -> {}, () -> {
            throw new IllegalStateException("b will not close");
        });
        RuntimeException failure = new RuntimeException("constructor failed");

        parts.closeAfter(failure);

        assertThat(events).containsExactly("close a");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("b will not close");
    }
}
