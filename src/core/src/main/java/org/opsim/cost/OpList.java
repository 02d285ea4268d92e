package org.opsim.cost;

import java.util.ArrayList;
import java.util.List;

/**
 * Some of a {@link LoweredOps}' ops, in op order, for {@link Kernel#run} to cost alone: {@code ops} their
 * indices, {@code blockEnd[b]} the end in {@code ops} of block b's (as {@code LoweredOps.blockEnd} for all).
 */
record OpList(int[] ops, int[] blockEnd) {

    /** The ops of {@code o} that {@code keep} marks. */
    static OpList of(LoweredOps o, boolean[] keep) {
        List<Integer> ops = new ArrayList<>();
        int[] ends = new int[o.blocks];
        int i = 0;
        for (int b = 0; b < o.blocks; b++) {
            for (; i < o.blockEnd[b]; i++) {
                if (keep[i]) {
                    ops.add(i);
                }
            }
            ends[b] = ops.size();
        }
        return new OpList(ops.stream().mapToInt(Integer::intValue).toArray(), ends);
    }
}
