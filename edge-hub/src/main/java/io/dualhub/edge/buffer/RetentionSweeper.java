package io.dualhub.edge.buffer;

import java.io.File;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.TimeZone;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole queue cycle files once every batch in them is acknowledged and the cycle ended longer than the
 * retention ago. Unacknowledged data is never deleted here: only cycles before the checkpoint's own cycle qualify.
 */
public final class RetentionSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
    private final EdgeBuffer buffer;
    private final Duration retention;
    private final Clock clock;

    public RetentionSweeper(EdgeBuffer buffer, Duration retention, Clock clock) {
        this.buffer = buffer;
        this.retention = retention;
        this.clock = clock;
    }

    /** Returns the number of cycle files deleted. */
    public int sweep() {
        long checkpointIndex = buffer.checkpointIndex();
        if (checkpointIndex < 0) {
            return 0;
        }
        SingleChronicleQueue queue = buffer.queue();
        RollCycle rollCycle = queue.rollCycle();
        int checkpointCycle = rollCycle.toCycle(checkpointIndex);
        long horizon = clock.millis() - retention.toMillis();
        File[] files = queue.file().listFiles((dir, name) -> name.endsWith(SingleChronicleQueue.SUFFIX));
        int deleted = 0;
        for (File f : files == null ? new File[0] : files) {
            long cycle = cycleOf(f, rollCycle);
            boolean ended = (cycle + 1) * rollCycle.lengthInMillis() <= horizon;
            if (cycle >= 0 && cycle < checkpointCycle && ended && f.delete()) {
                deleted++;
                LOG.info("retention: deleted acknowledged buffer file {}", f.getName());
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    private static long cycleOf(File file, RollCycle rollCycle) {
        String name = file.getName().substring(0, file.getName().length() - SingleChronicleQueue.SUFFIX.length());
        SimpleDateFormat format = new SimpleDateFormat(rollCycle.format());
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        try {
            return format.parse(name).getTime() / rollCycle.lengthInMillis();
        } catch (ParseException e) {
            return -1;
        }
    }
}
