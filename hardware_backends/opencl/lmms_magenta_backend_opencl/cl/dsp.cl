/* Loudness DSP kernels (lmms_magenta.dsp.DspKernels), all in float64.
 *
 * Signals are [channels, n] row-major. The biquad cascade is sequential in time, so it
 * parallelizes over channels only (one work item per channel, every section's state in
 * registers: direct form II transposed, exactly scipy's sosfilt recurrence). Block
 * energies and the oversampled peak parallelize over blocks and chunks of samples.
 */

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define LMMS_MAX_SECTIONS 16

/* y = cascade of `sections` biquads (rows b0 b1 b2 a0 a1 a2, a0 == 1) applied to x. */
__kernel void sos_filter(__global const double* x, __global double* y,
                         __constant const double* sos, int n, int sections) {
    int c = (int)get_global_id(0);
    __global const double* in = x + (long)c * n;
    __global double* out = y + (long)c * n;
    double z1[LMMS_MAX_SECTIONS];
    double z2[LMMS_MAX_SECTIONS];
    for (int s = 0; s < sections; ++s) {
        z1[s] = 0.0;
        z2[s] = 0.0;
    }
    for (int k = 0; k < n; ++k) {
        double v = in[k];
        for (int s = 0; s < sections; ++s) {
            __constant const double* q = sos + 6 * s;
            double w = q[0] * v + z1[s];
            z1[s] = q[1] * v - q[4] * w + z2[s];
            z2[s] = q[2] * v - q[5] * w;
            v = w;
        }
        out[k] = v;
    }
}

/* seg[c, j] = sum of x[c, j*hop .. j*hop + hop - 1] squared, for j < segments. */
__kernel void segment_energy(__global const double* x, __global double* seg, int n,
                             int hop, int segments) {
    int i = (int)get_global_id(0);
    int c = i / segments;
    int j = i - c * segments;
    __global const double* p = x + (long)c * n + (long)j * hop;
    double acc = 0.0;
    for (int k = 0; k < hop; ++k) {
        acc += p[k] * p[k];
    }
    seg[i] = acc;
}

/* Fused: seg[c, j] = sum of squares of the *filtered* signal over segment j, without
 * writing the filtered signal (one work item per channel, filter state in registers). */
__kernel void filtered_segment_energy(__global const double* x, __global double* seg,
                                      __constant const double* sos, int n, int sections,
                                      int hop, int segments) {
    int c = (int)get_global_id(0);
    __global const double* in = x + (long)c * n;
    __global double* out = seg + (long)c * segments;
    double z1[LMMS_MAX_SECTIONS];
    double z2[LMMS_MAX_SECTIONS];
    for (int s = 0; s < sections; ++s) {
        z1[s] = 0.0;
        z2[s] = 0.0;
    }
    int limit = segments * hop;
    double acc = 0.0;
    for (int k = 0; k < limit; ++k) {
        double v = in[k];
        for (int s = 0; s < sections; ++s) {
            __constant const double* q = sos + 6 * s;
            double w = q[0] * v + z1[s];
            z1[s] = q[1] * v - q[4] * w + z2[s];
            z2[s] = q[2] * v - q[5] * w;
            v = w;
        }
        acc += v * v;
        if ((k + 1) % hop == 0) {
            out[k / hop] = acc;
            acc = 0.0;
        }
    }
}

/* out[c, j] = (seg[c, j] + ... + seg[c, j + per - 1]) / block, for j < m. */
__kernel void block_energy(__global const double* seg, __global double* out, int segments,
                           int m, int per, double block) {
    int i = (int)get_global_id(0);
    int c = i / m;
    int j = i - c * m;
    __global const double* p = seg + (long)c * segments + j;
    double acc = 0.0;
    for (int k = 0; k < per; ++k) {
        acc += p[k];
    }
    out[i] = acc / block;
}

/* Largest |y| over a chunk of input positions i in [i0, i0 + chunk) of one channel, where
 * y[i*factor + p] = sum_j taps[j*factor + p] * x[i - j] (polyphase upsampling; x is zero
 * outside 0..n-1). Positions run to n + J - 2 (the full convolution's tail). */
__kernel void upsampled_peak(__global const double* x, __global double* partial,
                             __global const double* taps, int n, int factor, int per_phase,
                             int chunk, int chunks) {
    int w = (int)get_global_id(0);
    int c = w / chunks;
    int i0 = (w - c * chunks) * chunk;
    __global const double* in = x + (long)c * n;
    int last = n + per_phase - 1;
    int i1 = min(i0 + chunk, last);
    double peak = 0.0;
    for (int i = i0; i < i1; ++i) {
        int jmin = max(0, i - n + 1);
        int jmax = min(per_phase - 1, i);
        for (int p = 0; p < factor; ++p) {
            double acc = 0.0;
            for (int j = jmin; j <= jmax; ++j) {
                acc += taps[j * factor + p] * in[i - j];
            }
            peak = fmax(peak, fabs(acc));
        }
    }
    partial[w] = peak;
}
