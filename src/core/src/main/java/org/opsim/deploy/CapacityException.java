package org.opsim.deploy;

/** A model and workload that do not fit in the memory of the chips they were given. */
public final class CapacityException extends DeploymentException {
    private static final long serialVersionUID = 1L;

    private final double neededBytesPerChip;
    private final double capacityBytesPerChip;

    public CapacityException(String message, double neededBytesPerChip, double capacityBytesPerChip) {
        super(message);
        this.neededBytesPerChip = neededBytesPerChip;
        this.capacityBytesPerChip = capacityBytesPerChip;
    }

    public double neededBytesPerChip() {
        return neededBytesPerChip;
    }

    public double capacityBytesPerChip() {
        return capacityBytesPerChip;
    }
}
