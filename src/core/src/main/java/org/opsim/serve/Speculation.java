package org.opsim.serve;

/**
 * Speculative decoding (a draft model or multi-token prediction): each decode step proposes {@code draftTokens}
 * tokens per sequence, verifies them in the same step as the sequence's next token, and keeps the proposals up to
 * the first rejected one.
 *
 * @param draftTokens tokens proposed per sequence per step (MTP depth, or the draft model's lookahead)
 * @param acceptanceRate the probability that a proposal is accepted given that the ones before it were (the
 *     serving benchmark's acceptance rate per position); a step then yields {@code 1 + a + a² + … + a^k} tokens on
 *     average
 * @param draftCostFraction the cost of proposing one token as a fraction of the target model's token-only decode
 *     work (an MTP module of one layer of a 61-layer model: about 1/61; a draft model: its size ratio)
 */
public record Speculation(int draftTokens, double acceptanceRate, double draftCostFraction) {

    public Speculation {
        if (draftTokens < 1 || draftTokens > 16) {
            throw new IllegalArgumentException("speculative decoding needs 1..16 draft tokens, got " + draftTokens);
        }
        if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
            throw new IllegalArgumentException("an acceptance rate is in [0, 1], got " + acceptanceRate);
        }
        if (!(draftCostFraction >= 0 && draftCostFraction <= 10)) {
            throw new IllegalArgumentException("a draft cost fraction is in [0, 10], got " + draftCostFraction);
        }
    }

    /** Tokens a step yields per sequence on average: {@code 1 + a + … + a^k}. */
    public double tokensPerStep() {
        double t = 1;
        double p = 1;
        for (int i = 0; i < draftTokens; i++) {
            p *= acceptanceRate;
            t += p;
        }
        return t;
    }
}
