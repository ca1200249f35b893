package io.asynkit.loop;

/** A carrier's platform thread: lets the scheduler recognise calls made on its own carriers. */
final class CarrierThread extends Thread {

    private final Carrier carrier;

    CarrierThread(Carrier carrier, String name) {
        super(null, carrier, name, 0, false);
        this.carrier = carrier;
        setDaemon(true);
    }

    /** The carrier this thread runs, if it belongs to {@code scheduler}; else null. */
    Carrier carrierOf(Scheduler scheduler) {
        return carrier.scheduler == scheduler ? carrier : null;
    }
}
