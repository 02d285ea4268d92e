package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Element sizes, fallback order, the wider-of rule and parsing of {@link Precision}. */
class PrecisionTest {

    @Test
    void elementSizesAreTheStorageSizesInBytes() {
        assertEquals(4.0, Precision.FP32.bytesPerElement());
        assertEquals(4.0, Precision.TF32.bytesPerElement()); // stored as fp32
        assertEquals(2.0, Precision.BF16.bytesPerElement());
        assertEquals(2.0, Precision.FP16.bytesPerElement());
        assertEquals(1.0, Precision.FP8.bytesPerElement());
        assertEquals(1.0, Precision.INT8.bytesPerElement());
        assertEquals(0.5, Precision.FP4.bytesPerElement()); // two elements per byte
    }

    @Test
    void fallbacksListSameWidthSiblingsBeforeWiderFormatsBestFirst() {
        assertEquals(List.of(Precision.FP8, Precision.BF16, Precision.FP16, Precision.TF32, Precision.FP32),
                Precision.FP4.fallbacks());
        assertEquals(List.of(Precision.BF16, Precision.FP16, Precision.TF32, Precision.FP32),
                Precision.FP8.fallbacks());
        assertEquals(List.of(Precision.FP8, Precision.BF16, Precision.FP16, Precision.TF32, Precision.FP32),
                Precision.INT8.fallbacks());
        assertEquals(List.of(Precision.FP16, Precision.TF32, Precision.FP32), Precision.BF16.fallbacks());
        assertEquals(List.of(Precision.BF16, Precision.TF32, Precision.FP32), Precision.FP16.fallbacks());
        assertEquals(List.of(Precision.FP32), Precision.TF32.fallbacks());
        assertEquals(List.of(), Precision.FP32.fallbacks());
    }

    @Test
    void fallbacksNeverGoNarrowerNorRepeatNorIncludeThePrecisionItself() {
        for (Precision p : Precision.values()) {
            List<Precision> fb = p.fallbacks();
            assertEquals(fb.size(), fb.stream().distinct().count(), p.id());
            for (Precision f : fb) {
                assertTrue(f != p, p.id() + " lists itself");
                // A block-scaled format's first fallback is its own arithmetic (narrower only by the scales).
                assertTrue(f.bytesPerElement() >= p.arithmetic().bytesPerElement(), p.id() + " falls back to narrower " + f.id());
            }
            for (int i = 1; i < fb.size(); i++) {
                assertTrue(fb.get(i).bytesPerElement() >= fb.get(i - 1).bytesPerElement(),
                        p.id() + ": fallbacks must not get narrower along the list");
            }
        }
    }

    @Test
    void widerPicksTheOperandWithMoreBytesPerElementInEitherOrder() {
        assertEquals(Precision.BF16, Precision.wider(Precision.BF16, Precision.FP8));
        assertEquals(Precision.BF16, Precision.wider(Precision.FP8, Precision.BF16));
        assertEquals(Precision.FP8, Precision.wider(Precision.FP4, Precision.FP8));
        assertEquals(Precision.FP32, Precision.wider(Precision.BF16, Precision.FP32));
        assertEquals(Precision.BF16, Precision.wider(Precision.FP4, Precision.BF16));
    }

    @Test
    void widerOfTwoEqualWidthsIsTheFirstOperandExceptThatFp32BeatsTf32() {
        assertEquals(Precision.BF16, Precision.wider(Precision.BF16, Precision.FP16));
        assertEquals(Precision.FP16, Precision.wider(Precision.FP16, Precision.BF16));
        assertEquals(Precision.FP32, Precision.wider(Precision.FP32, Precision.TF32));
        // An fp32 weight must not be multiplied at the (8× faster on H100) tf32 rate just because
        // the activation came first.
        assertEquals(Precision.FP32, Precision.wider(Precision.TF32, Precision.FP32));
        assertEquals(Precision.FP8, Precision.wider(Precision.FP8, Precision.FP8));
    }

    @Test
    void idsAreLowerCaseAndParseIgnoresCase() {
        assertEquals("fp4", Precision.FP4.id());
        assertEquals("bf16", Precision.BF16.id());
        assertEquals(Precision.BF16, Precision.parse("bf16"));
        assertEquals(Precision.BF16, Precision.parse("BF16"));
        assertEquals(Precision.TF32, Precision.parse("Tf32"));
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.parse(p.id()));
        }
    }

    @Test
    void parsingAnUnknownPrecisionListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("bf17"));
        assertTrue(e.getMessage().contains("bf17"), e.getMessage());
        assertTrue(e.getMessage().contains("fp32, tf32, bf16, fp16, fp8, int8, fp4"), e.getMessage());
    }

    @Test
    void opKindsParseFromTheirIds() {
        assertEquals(OpKind.SILU_AND_MUL, OpKind.parse("silu_and_mul"));
        assertEquals(OpKind.ALL_REDUCE, OpKind.parse("ALL_REDUCE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpKind.parse("conv"));
        assertTrue(e.getMessage().contains("conv"), e.getMessage());
        assertTrue(e.getMessage().contains("matmul"), e.getMessage());
    }
}
