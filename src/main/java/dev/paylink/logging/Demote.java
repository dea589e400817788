package dev.paylink.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;

/**
 * Turns chosen INFO and WARN lines of libraries into DEBUG lines: lines that say nothing a person must act on, where the
 * application logs what happened in its own words. Configured in {@code logback.xml}, one
 * {@code <line>logger name, a space, the start of the message</line>} each; other lines of the same logger are left alone.
 */
public final class Demote extends TurboFilter {

    private record Line(String logger, String start) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    /** {@code org.apache.camel.component.file.GenericFileOnCompletion Rollback file strategy}. */
    public void addLine(String spec) {
        String s = spec.strip();
        int space = s.indexOf(' ');
        lines.add(space < 0 ? new Line(s, "") : new Line(s.substring(0, space), s.substring(space + 1).strip()));
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || (level != Level.INFO && level != Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        for (Line line : lines) {
            if (logger.getName().equals(line.logger()) && format.startsWith(line.start())) {
                if (logger.isDebugEnabled()) {
                    // Logged again at DEBUG, which this filter lets through.
                    if (t == null) {
                        logger.debug(marker, format, params);
                    } else {
                        logger.debug(marker, org.slf4j.helpers.MessageFormatter.basicArrayFormat(format, params), t);
                    }
                }
                return FilterReply.DENY;
            }
        }
        return FilterReply.NEUTRAL;
    }
}
