package org.opsim.internal.io;

import java.math.BigInteger;

/**
 * Appends a double to a {@link StringBuilder} in its shortest round-trip decimal form, the form of
 * {@code Double.toString} from Java 19 on ({@code 1.0E-4}, {@code 0.001}, {@code 1234.5}, {@code 1.0E7}),
 * allocating nothing. The digits are Raffaello Giulietti's Schubfach algorithm ("The Schubfach way to
 * render doubles", 2020; the JDK's {@code DoubleToDecimal} since Java 19, also shipped in jackson-core as
 * {@code com.fasterxml.jackson.core.io.schubfach}, MIT licence): the shortest decimal in the rounding
 * interval of the double, the closest to it on ties. Java 17's {@code Double.toString}, which the sweep
 * used before, allocates about 100 B a number and is sometimes a digit longer than it needs to be.
 *
 * <p>The 617 126-bit powers of ten it needs are a constant table, computed exactly from
 * {@link BigInteger} when the class loads (about a millisecond) and never written after. An instance
 * holds the 32 characters a number is put together in: one per thread.
 */
public final class DoubleText {
    private static final int P = 53;
    private static final int W = 11;
    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << (P - 1);
    private static final int BQ_MASK = (1 << W) - 1;
    private static final long T_MASK = (1L << (P - 1)) - 1;
    private static final long C_TINY = 3;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;

    /** g1, g0 of 10^−k for k = K_MIN..K_MAX: the 126-bit ⌊β⌋ + 1, 10^−k = β·2^r, 2^125 ≤ β < 2^126, split 63 + 63. */
    private static final long[] G = table();
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L};

    /** Where a number's characters are put together before one append (24 at most: sign aside). */
    private final char[] buf = new char[32];

    private static long[] table() {
        long[] g = new long[2 * (K_MAX - K_MIN + 1)];
        BigInteger mask63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
        for (int k = K_MIN; k <= K_MAX; k++) {
            int r = flog2pow10(-k) - 125;
            BigInteger beta;
            if (k <= 0) {
                BigInteger n = BigInteger.TEN.pow(-k);
                beta = r >= 0 ? n.shiftRight(r) : n.shiftLeft(-r);
            } else {
                beta = BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(k));
            }
            BigInteger gk = beta.add(BigInteger.ONE);
            if (gk.bitLength() != 126) {
                throw new IllegalStateException("power of ten table: 10^" + (-k) + " out of range");
            }
            g[2 * (k - K_MIN)] = gk.shiftRight(63).longValueExact();
            g[2 * (k - K_MIN) + 1] = gk.and(mask63).longValueExact();
        }
        return g;
    }

    /** Appends {@code v} ({@code NaN}, {@code Infinity}, {@code -0.0} as Java writes them). */
    public StringBuilder append(StringBuilder sb, double v) {
        long bits = Double.doubleToRawLongBits(v);
        long t = bits & T_MASK;
        int bq = (int) (bits >>> (P - 1)) & BQ_MASK;
        if (bq == BQ_MASK) {
            return sb.append(t != 0 ? "NaN" : bits > 0 ? "Infinity" : "-Infinity");
        }
        if (bits < 0) {
            sb.append('-');
        }
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            if (0 < mq && mq < P) {
                long f = c >> mq;
                if (f << mq == c) {
                    return chars(sb, f, 0);
                }
            }
            return decimal(sb, -mq, c, 0);
        }
        if (t != 0) {
            return t < C_TINY ? decimal(sb, Q_MIN, 10 * t, -1) : decimal(sb, Q_MIN, t, 0);
        }
        return sb.append("0.0");
    }

    /** The shortest decimal in the rounding interval of c·2^q, written. */
    private StringBuilder decimal(StringBuilder sb, int q, long c, int dk) {
        int out = (int) c & 0x1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        long g1 = G[2 * (k - K_MIN)];
        long g0 = G[2 * (k - K_MIN) + 1];
        long vb = rop(g1, g0, cb << h);
        long vbl = rop(g1, g0, cbl << h);
        long vbr = rop(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                return chars(sb, upin ? sp10 : tp10, k);
            }
        }
        long t = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (t << 2) + out <= vbr;
        if (uin != win) {
            return chars(sb, uin ? s : t, k + dk);
        }
        long cmp = vb - (s + t << 1);
        return chars(sb, cmp < 0 || cmp == 0 && (s & 0x1) == 0 ? s : t, k + dk);
    }

    private static long rop(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | ((z & MASK_63) + MASK_63) >>> 63;
    }

    /** f·10^e (f > 0) as Java writes it: plain for 10^−3 ≤ value < 10^7, else d.ddd…E±n; one bulk append. */
    private StringBuilder chars(StringBuilder sb, long f, int e) {
        while (f % 10 == 0) {
            f /= 10;
            e++;
        }
        int len = 1;
        while (len < 19 && f >= POW10[len]) {
            len++;
        }
        final char[] b = buf;
        int exp = len + e; // value = 0.d1 d2 … d_len × 10^exp
        int n;
        if (0 < exp && exp <= 7) {
            if (len <= exp) {
                digits(b, 0, f, len);
                n = len;
                while (n < exp) {
                    b[n++] = '0';
                }
                b[n++] = '.';
                b[n++] = '0';
            } else {
                // d…d.d…d: the digits, then the point moved in.
                digits(b, 1, f, len);
                System.arraycopy(b, 1, b, 0, exp);
                b[exp] = '.';
                n = len + 1;
            }
        } else if (-3 < exp && exp <= 0) {
            b[0] = '0';
            b[1] = '.';
            n = 2;
            for (int i = exp; i < 0; i++) {
                b[n++] = '0';
            }
            digits(b, n, f, len);
            n += len;
        } else {
            digits(b, 1, f, len);
            b[0] = b[1];
            b[1] = '.';
            n = len + 1;
            if (len == 1) {
                b[n++] = '0';
            }
            b[n++] = 'E';
            int x = exp - 1;
            if (x < 0) {
                b[n++] = '-';
                x = -x;
            }
            if (x >= 100) {
                b[n++] = (char) ('0' + x / 100);
                x %= 100;
                b[n++] = (char) ('0' + x / 10);
            } else if (x >= 10) {
                b[n++] = (char) ('0' + x / 10);
            }
            b[n++] = (char) ('0' + x % 10);
        }
        return sb.append(b, 0, n);
    }

    /** The {@code n ≤ 19} decimal digits of {@code v} into {@code b} from {@code at}, right to left, leading zeros kept. */
    private static void digits(char[] b, int at, long v, int n) {
        int i = at + n;
        while (n >= 8) {
            long q = v / 100_000_000L;
            eight(b, i - 8, (int) (v - q * 100_000_000L));
            v = q;
            i -= 8;
            n -= 8;
        }
        while (n-- > 0) {
            long q = v / 10;
            b[--i] = (char) ('0' + (v - 10 * q));
            v = q;
        }
    }

    /** The eight digits of {@code x < 10^8} into {@code b[at..at+7]} (divisions by constants only). */
    private static void eight(char[] b, int at, int x) {
        int hi = x / 10_000;
        int lo = x - hi * 10_000;
        four(b, at, hi);
        four(b, at + 4, lo);
    }

    private static void four(char[] b, int at, int x) {
        int hi = x / 100;
        int lo = x - hi * 100;
        int t = hi / 10;
        b[at] = (char) ('0' + t);
        b[at + 1] = (char) ('0' + hi - 10 * t);
        t = lo / 10;
        b[at + 2] = (char) ('0' + t);
        b[at + 3] = (char) ('0' + lo - 10 * t);
    }

    /** ⌊q·log₁₀ 2⌋. */
    private static int flog10pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    /** ⌊log₁₀(3/4 · 2^q)⌋. */
    private static int flog10threeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L + -274_743_187_321L >> 41);
    }

    /** ⌊e·log₂ 10⌋. */
    private static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }
}
