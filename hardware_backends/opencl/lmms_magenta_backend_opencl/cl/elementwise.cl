/* Elementwise kernels: activations and rounding, Clip, binary arithmetic and comparisons
 * with numpy/ONNX broadcasting (strided operands, see common.cl), Where, and Cast.
 * Every kernel writes a contiguous output, one work item per element.
 */

#define LMMS_UNARY(NAME, EXPR)                                                           \
__kernel void NAME(__global const float* src, __global float* dst) {                     \
    int i = (int)get_global_id(0);                                                       \
    float x = src[i];                                                                    \
    dst[i] = (EXPR);                                                                     \
}

LMMS_UNARY(relu_float, x > 0.0f ? x : 0.0f)
LMMS_UNARY(sigmoid_float, lmms_sigmoid(x))
LMMS_UNARY(tanh_float, tanh(x))
LMMS_UNARY(exp_float, exp(x))
LMMS_UNARY(neg_float, -x)
LMMS_UNARY(ceil_float, ceil(x))
LMMS_UNARY(floor_float, floor(x))

__kernel void clip_float(__global const float* src, __global float* dst, float2 lim) {
    int i = (int)get_global_id(0);
    dst[i] = fmin(fmax(src[i], lim.x), lim.y);
}

#define LMMS_BINARY(NAME, T, TO, EXPR)                                                   \
__kernel void NAME(__global const T* a, __global const T* b, __global TO* out,           \
                   int8 shape, int8 sa, int8 sb) {                                       \
    int i = (int)get_global_id(0);                                                       \
    int2 o = nd_offset2(i, shape, sa, sb);                                               \
    T x = a[o.x];                                                                        \
    T y = b[o.y];                                                                        \
    out[i] = (EXPR);                                                                     \
}

#define LMMS_ARITHMETIC(T)                                                               \
LMMS_BINARY(add_##T, T, T, x + y)                                                        \
LMMS_BINARY(sub_##T, T, T, x - y)                                                        \
LMMS_BINARY(mul_##T, T, T, x * y)                                                        \
LMMS_BINARY(div_##T, T, T, x / y)                                                        \
LMMS_BINARY(greater_##T, T, uchar, x > y ? 1 : 0)                                        \
LMMS_BINARY(less_##T, T, uchar, x < y ? 1 : 0)                                           \
LMMS_BINARY(equal_##T, T, uchar, x == y ? 1 : 0)

LMMS_ARITHMETIC(float)
LMMS_ARITHMETIC(long)
LMMS_ARITHMETIC(int)

/* where_S: out = cond ? x : y, by element size (the values are only moved). */
#define LMMS_WHERE(T, S)                                                                 \
__kernel void where_##S(__global const uchar* cond, __global const T* x,                 \
                        __global const T* y, __global T* out,                            \
                        int8 shape, int8 sc, int8 sx, int8 sy) {                         \
    int i = (int)get_global_id(0);                                                       \
    int4 o = nd_offset3(i, shape, sc, sx, sy);                                           \
    out[i] = cond[o.x] ? x[o.y] : y[o.z];                                                \
}

LMMS_WHERE(uchar, 1)
LMMS_WHERE(uint, 4)
LMMS_WHERE(ulong, 8)

/* Conversions as in C, like ONNX Runtime: float -> integer truncates toward zero. */
#define LMMS_CAST(FROM, TO, EXPR)                                                        \
__kernel void cast_##FROM##_##TO(__global const FROM* src, __global TO* dst) {           \
    int i = (int)get_global_id(0);                                                       \
    FROM x = src[i];                                                                     \
    dst[i] = (EXPR);                                                                     \
}

LMMS_CAST(float, long, (long)x)
LMMS_CAST(float, int, (int)x)
LMMS_CAST(float, uchar, x != 0.0f ? 1 : 0)
LMMS_CAST(long, float, (float)x)
LMMS_CAST(long, int, (int)x)
LMMS_CAST(long, uchar, x != 0 ? 1 : 0)
LMMS_CAST(int, float, (float)x)
LMMS_CAST(int, long, (long)x)
LMMS_CAST(int, uchar, x != 0 ? 1 : 0)
LMMS_CAST(uchar, float, (float)x)
LMMS_CAST(uchar, long, (long)x)
LMMS_CAST(uchar, int, (int)x)
