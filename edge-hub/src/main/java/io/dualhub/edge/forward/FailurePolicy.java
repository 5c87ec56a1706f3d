package io.dualhub.edge.forward;

import io.dualhub.common.MetricsRoute;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the forwarder does about failed publishes: which {@link MetricsRoute} it publishes on, how long sending pauses
 * (an exponential backoff with jitter), when a circuit breaker stops sending altogether, and when a server that
 * keeps timing out is dropped for another. A failure switches to the other route, so a dying stream leader costs one
 * publish timeout, not an election. Owned by the forwarder thread; the route is also read by /health, and the breaker
 * (thread-safe itself) half-opens on its own after {@code forward.breaker.open-duration}.
 */
final class FailurePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(FailurePolicy.class);

    private final LongSupplier nanoTime;
    private final IntervalFunction backoff;
    private final CircuitBreaker breaker;
    private final Runnable forceReconnect;
    private int consecutiveFailures;
    private int consecutiveTimeouts;
    private long pausedUntilNanos;
    private volatile MetricsRoute route = MetricsRoute.PRIMARY;

    FailurePolicy(String edgeId, ForwarderConfig config, LongSupplier nanoTime, Runnable forceReconnect) {
        this.nanoTime = nanoTime;
        this.forceReconnect = forceReconnect;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                config.retryInitial(), config.retryMultiplier(), config.retryRandomization(), config.retryMax());
        this.breaker = CircuitBreaker.of(
                "forward-" + edgeId,
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(ForwarderConfig.BREAKER_WINDOW)
                        .minimumNumberOfCalls(ForwarderConfig.BREAKER_MIN_CALLS)
                        .failureRateThreshold(config.breakerFailureRate())
                        .waitDurationInOpenState(config.breakerOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(ForwarderConfig.BREAKER_PROBES)
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .build());
    }

    /** The route to publish on now. */
    MetricsRoute route() {
        return route;
    }

    CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    /** Runs {@code listener} each time the breaker opens (on whichever thread made it open). */
    void onOpened(Runnable listener) {
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                listener.run();
            }
        });
    }

    /** Whether a publish may go out now: the breaker is not open and no backoff is running. */
    boolean maySend() {
        // While the breaker is open nothing is sent; it half-opens by itself and a few sends probe the stream.
        return breaker.getState() != CircuitBreaker.State.OPEN && !paused();
    }

    /** Whether a backoff after a failure is still running. */
    boolean paused() {
        return nanoTime.getAsLong() - pausedUntilNanos < 0;
    }

    /**
     * Records an acknowledgement. The first one after a run of failures ends that run: while the breaker is closed
     * its window starts afresh, because the failures of an outage that is over would otherwise make the first few
     * acks after it trip the breaker (7 failures and 3 acks are 70 %) and stall a recovering edge for the whole
     * open duration. The breaker so opens only while publishes keep failing.
     */
    void succeeded() {
        if (consecutiveFailures > 0 && breaker.getState() == CircuitBreaker.State.CLOSED) {
            breaker.reset();
        }
        consecutiveFailures = 0;
        consecutiveTimeouts = 0;
        breaker.onSuccess(0, TimeUnit.NANOSECONDS);
    }

    /**
     * Records a failed publish of {@code msgId}, sent on {@code sentOn}. A failure on the route in use switches to
     * the other route (its stream leader lives elsewhere), feeds the breaker and pauses sending for a backoff;
     * failures of entries still sent on the route already left change nothing, so one outage is one switch, not a
     * storm.
     */
    void failed(MetricsRoute sentOn, String msgId, Throwable error) {
        if (sentOn != route) {
            return;
        }
        breaker.onError(0, TimeUnit.NANOSECONDS, error);
        consecutiveFailures++;
        long delayMs = backoff.apply(consecutiveFailures);
        pausedUntilNanos = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        route = route.other();
        consecutiveTimeouts = error instanceof TimeoutException ? consecutiveTimeouts + 1 : 0;
        if (consecutiveTimeouts >= ForwarderConfig.TIMEOUTS_BEFORE_RECONNECT
                && consecutiveTimeouts % ForwarderConfig.TIMEOUTS_BEFORE_RECONNECT == 0) {
            // Both routes timed out through this server: it is frozen or cut off; do not wait for the pings.
            forceReconnect.run();
        }
        if (consecutiveFailures == 1 || consecutiveFailures % 50 == 0) {
            LOG.warn(
                    "publish of {} failed ({}); switching to stream {}, retrying in {} ms (failure {} in a row)",
                    msgId,
                    describe(error),
                    route.stream(),
                    delayMs,
                    consecutiveFailures);
        }
    }

    /**
     * A new server: what failed on the old one is worth resending now, not after the backoff or the rest of an open
     * breaker's wait; the half-open breaker's probes decide whether sending goes on.
     */
    void reconnected() {
        pausedUntilNanos = nanoTime.getAsLong();
        consecutiveTimeouts = 0;
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            breaker.transitionToHalfOpenState();
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
