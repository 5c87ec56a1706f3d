package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What /proc says of this very JVM: its threads counted by pool. */
class ProcessStatusTest {

    @Test
    void aPoolIsItsThreadsNameWithoutTheirNumber() {
        assertThat(ProcessStatus.poolOf("io-executor-thr")).isEqualTo("io-executor-thr");
        assertThat(ProcessStatus.poolOf("pool-2-thread-3\n")).isEqualTo("pool-2-thread");
        assertThat(ProcessStatus.poolOf("dualhub-edge-a:12")).isEqualTo("dualhub-edge-a");
        assertThat(ProcessStatus.poolOf("C1 CompilerThre")).isEqualTo("C1 CompilerThre");
        assertThat(ProcessStatus.poolOf("42"))
                .as("a name that is only a number")
                .isEqualTo("42");
    }

    @Test
    void theThreadsOfAPoolAreCountedTogether() throws Exception {
        Thread[] started = new Thread[3];
        Object gate = new Object();
        synchronized (gate) {
            for (int i = 0; i < started.length; i++) {
                started[i] = new Thread(
                        () -> {
                            synchronized (gate) {
                                // holds until the census is taken
                            }
                        },
                        "census-probe-" + i);
                started[i].start();
            }
            Map<String, Integer> pools =
                    ProcessStatus.threadPools(ProcessHandle.current().pid());
            assertThat(pools).containsEntry("census-probe", 3).containsKey("VM Thread");
        }
        for (Thread t : started) {
            t.join();
        }
    }
}
