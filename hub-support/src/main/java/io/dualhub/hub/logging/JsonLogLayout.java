package io.dualhub.hub.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per log line: {@code ts} (ISO-8601 UTC), {@code level}, {@code logger}, {@code thread},
 * {@code msg}, this process's fixed fields (an edge's {@code edgeId}, a CentralHub's {@code instance}), the MDC
 * (a CentralHub's lines about an edge carry its {@code edgeId} there) and {@code error} with the stack trace.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private final Map<String, String> fixed;

    public JsonLogLayout(Map<String, String> fixed) {
        this.fixed = Map.copyOf(fixed);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("msg", event.getFormattedMessage());
            for (Map.Entry<String, String> f : fixed.entrySet()) {
                g.writeStringField(f.getKey(), f.getValue());
            }
            for (Map.Entry<String, String> m : event.getMDCPropertyMap().entrySet()) {
                if (!fixed.containsKey(m.getKey())) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
            }
            if (event.getThrowableProxy() != null) {
                g.writeStringField("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append(CoreConstants.LINE_SEPARATOR).toString();
    }
}
