package org.opsim.deploy;

import java.util.List;
import org.opsim.hardware.Figure;
import org.opsim.io.InvalidValueException;

/**
 * One level of a system's network: inside a node (NVLink, xGMI, ICI, NeuronLink) or between nodes
 * (one NIC per chip).
 *
 * @param bandwidthBytesPerSecond per chip per direction, all of the chip's ports on this link together
 * @param latencySeconds per step of a collective (or per point-to-point transfer)
 * @param torusDimensions the torus shape (e.g. [4, 4, 4]); empty unless {@code topology} is a torus
 */
public record Link(Figure bandwidthBytesPerSecond, Figure latencySeconds, Topology topology, List<Integer> torusDimensions) {

    public Link {
        required("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        required("latencySeconds", latencySeconds);
        required("topology", topology);
        required("torus.dimensions", torusDimensions);
        torusDimensions = List.copyOf(torusDimensions);
        if (!(bandwidthBytesPerSecond.value() > 0)) {
            throw new InvalidValueException("bandwidthBytesPerSecond.value", "must be > 0, got " + bandwidthBytesPerSecond.value());
        }
        if (latencySeconds.value() < 0) {
            throw new InvalidValueException("latencySeconds.value", "must be >= 0, got " + latencySeconds.value());
        }
        if (topology == Topology.TORUS) {
            if (torusDimensions.isEmpty()) {
                throw new InvalidValueException("torus", "a torus needs 'torus: {dimensions: [...], source: ...}'");
            }
            if (torusDimensions.size() > 3) {
                throw new InvalidValueException("torus.dimensions", "needs 1 to 3 dimensions, got " + torusDimensions);
            }
            for (int i = 0; i < torusDimensions.size(); i++) {
                if (torusDimensions.get(i) < 2) {
                    throw new InvalidValueException("torus.dimensions[" + i + "]", "every dimension must be >= 2, got "
                            + torusDimensions.get(i));
                }
            }
        } else if (!torusDimensions.isEmpty()) {
            throw new InvalidValueException("torus", "torus dimensions only apply to a torus, not to " + topology.id());
        }
    }

    /** A switched link (no torus shape). */
    public static Link switched(double bandwidthBytesPerSecond, double latencySeconds, String source) {
        return new Link(Figure.of(bandwidthBytesPerSecond, source), Figure.of(latencySeconds, source), Topology.SWITCH, List.of());
    }

    /** Chips of a torus: the product of its dimensions (0 for other topologies). */
    public int torusChips() {
        return torusDimensions.isEmpty() ? 0 : torusDimensions.stream().reduce(1, (a, b) -> a * b);
    }

    /** Largest torus dimension (0 for other topologies). */
    public int largestDimension() {
        return torusDimensions.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Bandwidth of one torus link per direction: the chip's bandwidth over its {@code 2·D} ports. */
    public double torusLinkBytesPerSecond() {
        return bandwidthBytesPerSecond.value() / (2.0 * torusDimensions.size());
    }

    /**
     * Per-direction bandwidth a ring or tree over {@code g} of the {@code domainChips} chips of this
     * link gets: a switch gives every chip all of it; a full mesh only the links to the {@code g − 1}
     * peers in the group ({@code B·min(g−1, n−1)/(n−1)}); a torus the ports of the axes the group spans
     * (chips fill the first axis, then the next: {@code B·k/D} for {@code k} of {@code D} axes).
     */
    public double groupBandwidthBytesPerSecond(int g, int domainChips) {
        double b = bandwidthBytesPerSecond.value();
        return switch (topology) {
            case SWITCH -> b;
            case FULL_MESH -> domainChips <= 1 ? b : b * Math.min(g - 1, domainChips - 1) / (domainChips - 1.0);
            case TORUS -> {
                int axes = 0;
                long span = 1;
                for (int d : torusDimensions) {
                    if (span >= g) {
                        break;
                    }
                    span *= d;
                    axes++;
                }
                yield b * Math.max(1, axes) / torusDimensions.size();
            }
        };
    }

    static <T> T required(String field, T v) {
        if (v == null) {
            throw new InvalidValueException(field, "is required");
        }
        return v;
    }
}
