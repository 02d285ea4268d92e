package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.hardware.Figure;

/** TCO and NRE break-even worked out by hand. */
class TcoTest {

    private static final Capex CAPEX = new Capex(Figure.of(20_000, "t"), Figure.of(10_000, "t"), Figure.of(3, "t"),
            Figure.of(0.5, "t"));
    private static final Opex OPEX = new Opex(Figure.of(1.5, "t"), Figure.of(0.10, "t"));

    @Test
    void dollarsPerMillionTokensFromCapexAndOpex() {
        // Capex: (20,000 + 10,000) / (3 years × 8760 h × 0.5) = 30,000 / 13,140 = 2.283105 $/h.
        assertEquals(30_000.0 / 13_140, Tco.capexUsdPerChipHour(CAPEX), 1e-12);
        // Opex at 600 W: 0.6 kW × 1.5 × $0.10 = 0.09 $/h.
        assertEquals(0.09, Tco.opexUsdPerChipHour(OPEX, 600), 1e-12);
        // 8 chips make 1000 tokens in 0.5 s: 2.373105 $/h × 8 × 0.5 s / 3600 / 1000 × 1e6 = 2.636784 $/M.
        double perHour = Tco.capexUsdPerChipHour(CAPEX) + Tco.opexUsdPerChipHour(OPEX, 600);
        assertEquals(2.636784, Tco.usdPerMillionTokens(perHour, 8, 0.5, 1000), 1e-6);
        // Renting at $4 per chip-hour instead: 4 × 8 × 0.5 / 3600 / 1000 × 1e6 = 4.444 $/M.
        assertEquals(16.0 / 3.6, Tco.usdPerMillionTokens(4, 8, 0.5, 1000), 1e-9);
    }

    @Test
    void nreBreakEvenVolume() {
        // The GPUs: the deployment above, 2.636784 $/M. An ASIC with the same capex terms and power makes
        // the same tokens in half the time (0.25 s), so it may cost per chip-hour twice the GPUs' total:
        // 2 × 2.373105 = 4.746210 $/h, of which 0.09 is opex → 4.656210 $/h of capex → × 13,140 h =
        // 61,182.6 $, less the 10,000 $ server share = 51,182.6 $ per chip.
        double target = Tco.usdPerMillionTokens(Tco.capexUsdPerChipHour(CAPEX) + Tco.opexUsdPerChipHour(OPEX, 600), 8, 0.5, 1000);
        double afford = Tco.affordableChipPriceUsd(target, CAPEX, OPEX, 600, 8, 0.25, 1000);
        assertEquals(51_182.6, afford, 1e-6);
        // NRE $300M, unit cost $5,000: break-even at 3e8 / (51,182.6 − 5,000) = 6,495.96 chips.
        assertEquals(3e8 / 46_182.6, Tco.breakEvenVolume(3e8, 5_000, afford).getAsDouble(), 1e-6);
        // At that volume the ASIC's price is 5,000 + 3e8 / 6,495.96 = 51,182.6 $: its $/M equals the GPUs'.
        double v = Tco.breakEvenVolume(3e8, 5_000, afford).getAsDouble();
        assertEquals(afford, Tco.asicChipPriceUsd(5_000, 3e8, v), 1e-6);
        // A unit cost above the affordable price never breaks even.
        assertTrue(Tco.breakEvenVolume(3e8, 60_000, afford).isEmpty());
    }
}
