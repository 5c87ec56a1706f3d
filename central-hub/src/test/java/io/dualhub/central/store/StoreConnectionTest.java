package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** How the store's connection sets DuckDB up, on a real small disk. */
class StoreConnectionTest {
    private Path mount;

    @AfterEach
    void unmount() {
        if (mount != null) {
            SmallDisk.unmount(mount);
        }
    }

    @Test
    void whatDuckDbMaySpillIsTheVolumesSizeNotWhatWasFreeWhenTheStoreOpened() throws Exception {
        Path dir = Files.createTempDirectory("dualhub-store-spill-");
        Assumptions.assumeTrue(SmallDisk.mount(dir, 64), "skipped: mounting a tmpfs needs root");
        mount = dir;
        Path filler = SmallDisk.fillLeaving(dir, 4L << 20); // a store reopened on a full disk
        try (StoreConnection c = StoreConnection.open(dir.resolve("store.duckdb"), 64L << 20)) {
            Files.delete(filler);
            try (Statement st = c.writer().createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_setting('max_temp_directory_size')")) {
                rs.next();
                assertThat(rs.getString(1))
                        .as("the 64 MiB volume, not 90 %% of the 4 MiB free")
                        .isEqualTo("64.0 MiB");
            }
        }
    }
}
