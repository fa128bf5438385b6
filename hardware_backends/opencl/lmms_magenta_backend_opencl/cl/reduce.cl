/* Reductions along one axis: the input viewed as [outer, len, inner], one work item per
 * (outer, inner) pair (several reduced axes are first merged into one, see
 * ops/reduction.py).
 *
 * argmax keeps the first maximum (select_last_index = 0) or the last one (g.z = 1), like
 * ONNX ArgMax; the result is int64.
 * reduce_max_T / reduce_sum_T (ReduceMax, ReduceSum) keep the input type. An empty axis
 * gives the identity of the reduction (-inf or the type's minimum, 0). A float maximum
 * propagates NaN (like numpy and the ONNX reference); a float sum is compensated (Kahan),
 * so its error stays at one rounding whatever the length and order.
 */

__kernel void argmax_float(__global const float* src, __global long* dst, int4 g) {
    int i = (int)get_global_id(0);
    int len = g.x, inner = g.y;
    int o = i / inner;
    int e = i - o * inner;
    __global const float* p = src + o * len * inner + e;
    float best = p[0];
    long arg = 0;
    for (int k = 1; k < len; ++k) {
        float v = p[k * inner];
        if (v > best || (g.z && v == best)) {
            best = v;
            arg = k;
        }
    }
    dst[i] = arg;
}

#define LMMS_REDUCE(NAME, T, INIT, STEP)                                                 \
__kernel void NAME(__global const T* src, __global T* dst, int2 g) {                     \
    int i = (int)get_global_id(0);                                                       \
    int len = g.x, inner = g.y;                                                          \
    int o = i / inner;                                                                   \
    __global const T* p = src + o * len * inner + (i - o * inner);                       \
    T acc = (INIT);                                                                      \
    for (int k = 0; k < len; ++k) {                                                      \
        T x = p[k * inner];                                                              \
        acc = (STEP);                                                                    \
    }                                                                                    \
    dst[i] = acc;                                                                        \
}

LMMS_REDUCE(reduce_max_float, float, -INFINITY, (x > acc || isnan(x)) && !isnan(acc) ? x : acc)
LMMS_REDUCE(reduce_max_long, long, LONG_MIN, x > acc ? x : acc)
LMMS_REDUCE(reduce_max_int, int, INT_MIN, x > acc ? x : acc)
LMMS_REDUCE(reduce_sum_long, long, 0, acc + x)
LMMS_REDUCE(reduce_sum_int, int, 0, acc + x)

__kernel void reduce_sum_float(__global const float* src, __global float* dst, int2 g) {
    int i = (int)get_global_id(0);
    int len = g.x, inner = g.y;
    int o = i / inner;
    __global const float* p = src + o * len * inner + (i - o * inner);
    float sum = 0.0f, lost = 0.0f;
    for (int k = 0; k < len; ++k) {
        float y = p[k * inner] - lost;
        float t = sum + y;
        lost = isfinite(t) ? (t - sum) - y : 0.0f; /* inf - inf would poison the sum */
        sum = t;
    }
    dst[i] = sum;
}
