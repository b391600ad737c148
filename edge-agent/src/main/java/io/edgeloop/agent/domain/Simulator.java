package io.edgeloop.agent.domain;

import io.edgeloop.common.SensorSimulator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Feeds simulated sensor readings ({@link SensorSimulator}) through the inference path at a configurable rate on one
 * background thread. Rate, drift and on/off change at run time; readings are skipped while no model is loaded.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Simulator.class);
    /** Highest accepted rate, readings per second. */
    public static final double MAX_RATE = 10_000;

    /**
     * Current settings and counters.
     *
     * @param generated readings run through the model
     * @param skipped readings dropped because no model was loaded
     * @param failed readings whose inference failed
     */
    public record State(
            boolean enabled, double rate, String drift, long seed, long generated, long skipped, long failed) {}

    private final InferenceService inference;
    private final long seed;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean enabled;
    private volatile double rate;
    private volatile String drift;
    private volatile boolean running;
    private Thread thread;

    /**
     * @throws IllegalArgumentException for an unknown drift or a rate outside (0, {@link #MAX_RATE}]
     */
    public Simulator(InferenceService inference, boolean enabled, double rate, long seed, String drift) {
        checkRate(rate);
        SensorSimulator.Drift.named(drift);
        this.inference = inference;
        this.enabled = enabled;
        this.rate = rate;
        this.seed = seed;
        this.drift = drift;
    }

    /** Starts the background thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::loop, "simulator");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Changes settings; null leaves a setting as it is.
     *
     * @throws IllegalArgumentException for an unknown drift or a rate outside (0, {@link #MAX_RATE}]
     */
    public State update(Boolean enabled, Double rate, String drift) {
        if (rate != null) {
            checkRate(rate);
        }
        if (drift != null) {
            SensorSimulator.Drift.named(drift);
        }
        lock.lock();
        try {
            if (enabled != null) {
                this.enabled = enabled;
            }
            if (rate != null) {
                this.rate = rate;
            }
            if (drift != null) {
                this.drift = drift;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return state();
    }

    public State state() {
        return new State(enabled, rate, drift, seed, generated.get(), skipped.get(), failed.get());
    }

    private static void checkRate(double rate) {
        if (!(rate > 0 && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be in (0, " + (int) MAX_RATE + "] readings per second");
        }
    }

    private void loop() {
        SensorSimulator sensor = new SensorSimulator(seed);
        String appliedDrift = null;
        long next = System.nanoTime();
        while (running) {
            try {
                if (!enabled) {
                    lock.lock();
                    try {
                        while (running && !enabled) {
                            changed.await(1, TimeUnit.SECONDS);
                        }
                    } finally {
                        lock.unlock();
                    }
                    next = System.nanoTime();
                    continue;
                }
                String d = drift;
                if (!d.equals(appliedDrift)) {
                    sensor.drift(SensorSimulator.Drift.named(d));
                    appliedDrift = d;
                }
                runOne(sensor.next().features());
                long period = (long) (1e9 / rate);
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    lock.lock();
                    try {
                        changed.awaitNanos(wait); // a settings change wakes us early
                    } finally {
                        lock.unlock();
                    }
                } else if (wait < -1_000_000_000L) {
                    next = System.nanoTime(); // fell behind by more than a second: do not burst to catch up
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("simulator step failed: %s", e.toString());
            }
        }
    }

    private void runOne(float[] features) {
        try {
            inference.infer(features);
            generated.incrementAndGet();
        } catch (NoModelException e) {
            skipped.incrementAndGet();
        } catch (InvalidInputException | InferenceFailedException e) {
            if (failed.incrementAndGet() % 1000 == 1) {
                LOG.warnf("simulated inference failed: %s", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
