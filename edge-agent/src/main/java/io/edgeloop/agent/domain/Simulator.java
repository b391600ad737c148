package io.edgeloop.agent.domain;

import io.edgeloop.common.SensorSimulator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Feeds simulated inputs through the inference path (tagged source "simulator" in telemetry for sensor readings,
 * "synthetic" for random inputs) at a configurable rate
 * on one background thread, one input per served model per tick: a {@link SensorSimulator} reading (with the drift
 * setting) for a model whose feature input takes as many elements as the sensor has features, random values of the
 * feature input's shape and datatype otherwise (other inputs at their defaults). Rate, drift and on/off change at
 * run time; ticks are skipped while no model is loaded.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Simulator.class);
    /** Highest accepted rate, readings per second. */
    public static final double MAX_RATE = 10_000;

    /**
     * Current settings and counters.
     *
     * @param generated inputs run through a model
     * @param skipped ticks without a model to run
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
    /** One simulated sensor per model whose feature input takes a sensor reading (simulator thread only). */
    private final Map<String, SensorSimulator> sensors = new HashMap<>();

    private final Map<String, String> appliedDrift = new HashMap<>();

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
        Random random = new Random(seed);
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
                List<LoadedModel> models = inference.runtime().models();
                if (models.isEmpty()) {
                    skipped.incrementAndGet();
                }
                for (LoadedModel m : models) {
                    runOne(m.signature(), random);
                }
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

    /**
     * One simulated input for {@code model}: a sensor reading when its feature input takes one (as many elements per
     * sample as the sensor has features), otherwise random values of the feature input's shape and datatype; other
     * inputs are left to their defaults.
     */
    private void runOne(ModelSignature model, Random random) {
        String name = model.descriptor().modelName();
        try {
            if (model.featureCount() == SensorSimulator.featureCount()) {
                SensorSimulator sensor = sensors.computeIfAbsent(name, n -> new SensorSimulator(seed));
                String d = drift;
                if (!d.equals(appliedDrift.get(name))) {
                    sensor.drift(SensorSimulator.Drift.named(d));
                    appliedDrift.put(name, d);
                }
                inference.infer(name, sensor.next().features(), TelemetryAccumulator.SIMULATOR);
            } else {
                Tensor t = randomInput(model.featureInput(), model.featureShape(1), random);
                inference.run(name, "", Map.of(t.name(), t), List.of(), TelemetryAccumulator.SYNTHETIC);
            }
            generated.incrementAndGet();
        } catch (NoModelException | ModelNotServedException e) {
            skipped.incrementAndGet(); // unloaded meanwhile
        } catch (InvalidInputException | InferenceFailedException e) {
            if (failed.incrementAndGet() % 1000 == 1) {
                LOG.warnf("simulated inference on %s failed: %s", name, e.getMessage());
            }
        }
    }

    /** Random values (gaussian floats, small integers, booleans) in the shape of {@code spec}, batch 1. */
    static Tensor randomInput(TensorSpec spec, long[] resolved, Random random) {
        long[] shape = resolved != null ? resolved : spec.shape();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = 1;
            }
        }
        int n = (int) Tensor.elements(shape);
        Object data = spec.datatype().newArray(n);
        for (int i = 0; i < n; i++) {
            double v = switch (spec.datatype()) {
                case FP32, FP16, FP64 -> random.nextGaussian();
                case BOOL -> random.nextBoolean() ? 1 : 0;
                default -> random.nextInt(10);
            };
            Tensor.set(spec.datatype(), data, i, v);
        }
        return new Tensor(spec.name(), spec.datatype(), shape, data);
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
