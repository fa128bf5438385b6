/* Data movement, by element size (1, 4, 8 bytes) so one kernel serves every dtype.
 *
 * copy_S: dst[off.y + dst_offset(i)] = src[off.x + src_offset(i)] over `shape` - the one
 *   kernel behind Transpose, Slice, Split, Concat and the recurrent state copies.
 * gather_S: Gather along one axis: data viewed as [outer, len, inner], indices flat
 *   [nidx] (int64, negative counts from the end, clamped so memory stays safe: indices
 *   fed by the caller are range-checked on the host before upload).
 */

#define LMMS_COPY_KERNELS(T, S)                                                          \
__kernel void copy_##S(__global const T* src, __global T* dst, int8 shape, int8 ss,      \
                       int8 ds, int2 off) {                                              \
    int2 o = nd_offset2((int)get_global_id(0), shape, ss, ds);                           \
    dst[off.y + o.y] = src[off.x + o.x];                                                 \
}                                                                                        \
__kernel void gather_##S(__global const T* data, __global const long* idx,               \
                         __global T* out, int4 g) {                                      \
    int i = (int)get_global_id(0);                                                       \
    int len = g.x, inner = g.y, nidx = g.z;                                              \
    int o = i / (nidx * inner);                                                          \
    int r = i - o * nidx * inner;                                                        \
    int q = r / inner;                                                                   \
    int e = r - q * inner;                                                               \
    long k = idx[q];                                                                     \
    if (k < 0) k += len;                                                                 \
    k = clamp(k, 0L, (long)(len - 1));                                                   \
    out[i] = data[(o * len + (int)k) * inner + e];                                       \
}

LMMS_COPY_KERNELS(uchar, 1)
LMMS_COPY_KERNELS(uint, 4)
LMMS_COPY_KERNELS(ulong, 8)
