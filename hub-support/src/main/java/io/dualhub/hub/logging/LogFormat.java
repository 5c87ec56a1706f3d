package io.dualhub.hub.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.dualhub.common.config.ConfigKey;
import io.dualhub.common.config.Settings;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** How a hub writes its log lines: plain text for a terminal (the default) or one JSON object per line. */
public enum LogFormat {
    TEXT,
    JSON;

    /** The key both hubs read, with its default. */
    public static final List<ConfigKey> KEYS = List.of(
            new ConfigKey(
                    "log.format",
                    "text",
                    "text, or json: one JSON object per line (ts, level, logger, thread, msg, edgeId on every line about an edge, error)"));

    public static LogFormat from(Settings s) {
        return switch (s.string("log.format")) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw s.invalid("log.format", s.string("log.format"), "text or json");
        };
    }

    /**
     * Switches the console to this format, {@code fixed} fields on every line; lines logged before (none but a
     * start-up failure) stay as they were. Nothing to do for text, which logback.xml sets up.
     */
    public void apply(Map<String, String> fixed) {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
                JsonLogLayout layout = new JsonLogLayout(fixed);
                layout.setContext(context);
                layout.start();
                LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
                encoder.setContext(context);
                encoder.setLayout(layout);
                encoder.start();
                console.setEncoder(encoder);
            }
        }
    }
}
