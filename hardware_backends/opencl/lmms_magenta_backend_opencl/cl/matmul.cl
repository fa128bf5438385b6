/* General strided matrix product (MatMul, Gemm, the recurrent input projections).
 *
 * Y[yo + i] = alpha * sum_k A[b, m, k] * B[b, k, n] + beta * C[b, m, n]
 * for i = (b * M + m) * N + n, dims = (batch, M, N, K). Each operand is addressed by
 * strides (batch, row, column, offset): transposes swap strides, broadcasting uses
 * stride 0. One work item per output element. The executor lays static weights out as
 * [N, K] (rows contiguous in k) so both operands of the dot product are contiguous and
 * lmms_dot vectorizes it; float32 throughout like ONNX Runtime's CPU kernels (results
 * agree within ~1e-6).
 */

__kernel void gemm_float(__global const float* A, __global const float* B,
                         __global const float* C, __global float* Y, int4 dims, int4 sa,
                         int4 sb, int4 sc, float2 ab, int yo, int has_c) {
    int i = (int)get_global_id(0);
    int M = dims.y, N = dims.z, K = dims.w;
    int n = i % N;
    int t = i / N;
    int m = t % M;
    int b = t / M;
    __global const float* a = A + sa.w + b * sa.x + m * sa.y;
    __global const float* bb = B + sb.w + b * sb.x + n * sb.z;
    float v = ab.x * lmms_dot(a, sa.z, bb, sb.y, K);
    if (has_c) {
        v += ab.y * C[sc.w + b * sc.x + m * sc.y + n * sc.z];
    }
    Y[yo + i] = v;
}
