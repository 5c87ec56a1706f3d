package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConnectionTest {
    @TempDir
    Path dir;

    /** DuckDB's own default is 80 % of the machine's memory; the store's connection replaces it with its setting. */
    @Test
    void theEnginesMemoryIsHeldToTheStoresLimit() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20);
                Statement st = db.writer().createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('memory_limit')")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("96.0 MiB");
        }
    }
}
