/* Reductions along one axis: the input viewed as [outer, len, inner], one work item per
 * (outer, inner) pair. argmax keeps the first maximum (select_last_index = 0) or the
 * last one (g.z = 1), like ONNX ArgMax; the result is int64.
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
