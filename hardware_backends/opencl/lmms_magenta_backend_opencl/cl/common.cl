/* Index helpers shared by the inference kernels.
 *
 * Shapes and strides travel as int8 vectors: rank up to 8, padded at the front with
 * size-1 dimensions of stride 0 (see tensors.py: pad8). A flat output index is unravelled
 * from the last dimension, giving the element offset in one or two strided operands;
 * stride 0 repeats an element (broadcasting), a permuted stride order is a transpose.
 */

#define LMMS_UNRAVEL(D) { int c_ = i % shape.D; i /= shape.D; oa += c_ * a.D; ob += c_ * b.D; }

inline int2 nd_offset2(int i, int8 shape, int8 a, int8 b) {
    int oa = 0, ob = 0;
    LMMS_UNRAVEL(s7) LMMS_UNRAVEL(s6) LMMS_UNRAVEL(s5) LMMS_UNRAVEL(s4)
    LMMS_UNRAVEL(s3) LMMS_UNRAVEL(s2) LMMS_UNRAVEL(s1) LMMS_UNRAVEL(s0)
    return (int2)(oa, ob);
}

#define LMMS_UNRAVEL3(D) { int c_ = i % shape.D; i /= shape.D; o += c_ * (int4)(a.D, b.D, c.D, 0); }

/* The same for three operands (Where: condition, x, y). */
inline int4 nd_offset3(int i, int8 shape, int8 a, int8 b, int8 c) {
    int4 o = (int4)(0);
    LMMS_UNRAVEL3(s7) LMMS_UNRAVEL3(s6) LMMS_UNRAVEL3(s5) LMMS_UNRAVEL3(s4)
    LMMS_UNRAVEL3(s3) LMMS_UNRAVEL3(s2) LMMS_UNRAVEL3(s1) LMMS_UNRAVEL3(s0)
    return o;
}

inline float lmms_sigmoid(float x) { return 1.0f / (1.0f + exp(-x)); }

/* sum_k a[k * sa] * b[k * sb] in float32. With both operands contiguous (the layout the
 * executor gives weights) eight partial sums run in a float8, which CPU OpenCL drivers
 * turn into SIMD; otherwise a plain strided loop. */
inline float lmms_dot(__global const float* a, int sa, __global const float* b, int sb, int n) {
    float acc = 0.0f;
    int k = 0;
    if (sa == 1 && sb == 1) {
        float8 v = (float8)(0.0f);
        for (; k + 8 <= n; k += 8) {
            v = fma(vload8(0, a + k), vload8(0, b + k), v);
        }
        float4 h = v.lo + v.hi;
        float2 q = h.lo + h.hi;
        acc = q.x + q.y;
    }
    for (; k < n; ++k) {
        acc = fma(a[k * sa], b[k * sb], acc);
    }
    return acc;
}
