package io.dualhub.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalogue the CLI runs and the table of it in docs/chaos.md stay the same list. */
class ScenarioCatalogueTest {

    @Test
    void theChaosDocListsEveryScenarioInOrderAndNoOther() throws Exception {
        String section = Files.readString(HubProcess.home().resolve("docs/chaos.md"));
        List<String> listed = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(section);
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertThat(listed)
                .containsExactlyElementsOf(
                        Scenarios.all().stream().map(Scenario::name).toList());
    }

    @Test
    void atLeastFifteenScenariosWithDistinctNames() {
        List<String> names = Scenarios.all().stream().map(Scenario::name).toList();
        assertThat(names).hasSizeGreaterThanOrEqualTo(15).doesNotHaveDuplicates();
    }
}
