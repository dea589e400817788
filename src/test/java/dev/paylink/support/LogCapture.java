package dev.paylink.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * What is logged while it is open, as logback passes it to appenders (after logback.xml's filters). Close it to stop,
 * or register it as a field ({@code @RegisterExtension final LogCapture logs = LogCapture.all();}) to stop after each test.
 */
public final class LogCapture implements AutoCloseable, AfterEachCallback {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything. */
    public static LogCapture all() {
        return of(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** One logger and those below it. */
    public static LogCapture of(String loggerName) {
        return new LogCapture((Logger) LoggerFactory.getLogger(loggerName));
    }

    /** A copy, taken under the appender's lock: logback appends under it ({@code AppenderBase.doAppend} is synchronized). */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** The messages, formatted, in the order they were logged. */
    public Stream<String> messages() {
        return events().stream().map(ILoggingEvent::getFormattedMessage);
    }

    /** The messages at {@code level}. */
    public Stream<String> messages(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage);
    }

    public void clear() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
