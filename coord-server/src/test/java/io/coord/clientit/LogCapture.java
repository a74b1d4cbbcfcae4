package io.coord.clientit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Records what one logger logs, at {@code level} and above, while open; nothing of it reaches the
 * console. For tests that wait for proof that something was attempted (a connect, a refusal)
 * instead of waiting a fixed time and hoping it was. Restores the logger on close.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level levelBefore;
    private final boolean additiveBefore;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(String loggerName, Level level) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        levelBefore = logger.getLevel();
        additiveBefore = logger.isAdditive();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        logger.setLevel(level);
    }

    /** How many messages so far (formatted, arguments filled in) match. */
    public long count(Predicate<String> message) {
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = List.copyOf(appender.list);
        }
        return events.stream().map(ILoggingEvent::getFormattedMessage).filter(message).count();
    }

    @Override
    public void close() {
        logger.setLevel(levelBefore);
        logger.setAdditive(additiveBefore);
        logger.detachAppender(appender);
        appender.stop();
    }
}
