/* One time step of a GRU or LSTM layer direction (ONNX semantics, default activations).
 *
 * The input projection X W^T + Wb of all steps is computed beforehand by gemm_float into
 * `xw` ([steps, batch, gates * H]); a step adds the recurrent projection R h + Rb and
 * applies the cell. One work item per (batch b, hidden unit j): it reads the previous
 * hidden state row b (initial state or the previous step's output) and writes its unit
 * of this step's output. Offsets (in elements) select the step and direction:
 *   o = (xw offset, R offset, Rb offset, h_prev offset, y offset, batch, H, c offset)
 * GRU gates are z, r, h with linear_before_reset = 1 (PyTorch's GRU); LSTM gates i, o, f, c.
 */

__kernel void gru_step(__global const float* xw, __global const float* R,
                       __global const float* rb, __global const float* hp, __global float* y,
                       int8 o) {
    int H = o.s6;
    int i = (int)get_global_id(0);
    int b = i / H;
    int j = i - b * H;
    __global const float* h = hp + o.s3 + b * H;
    __global const float* rz = R + o.s1 + j * H;
    __global const float* rr = rz + H * H;
    __global const float* rn = rr + H * H;
    float az = lmms_dot(rz, 1, h, 1, H);
    float ar = lmms_dot(rr, 1, h, 1, H);
    float an = lmms_dot(rn, 1, h, 1, H);
    __global const float* x = xw + o.s0 + b * 3 * H;
    __global const float* bias = rb + o.s2;
    float z = lmms_sigmoid(x[j] + az + bias[j]);
    float r = lmms_sigmoid(x[H + j] + ar + bias[H + j]);
    float n = tanh(x[2 * H + j] + r * (an + bias[2 * H + j]));
    y[o.s4 + b * H + j] = (1.0f - z) * n + z * h[j];
}

__kernel void lstm_step(__global const float* xw, __global const float* R,
                        __global const float* rb, __global const float* hp,
                        __global const float* cp, __global float* y, __global float* cs,
                        int8 o, int cpo) {
    int H = o.s6;
    int i = (int)get_global_id(0);
    int b = i / H;
    int j = i - b * H;
    __global const float* h = hp + o.s3 + b * H;
    __global const float* ri = R + o.s1 + j * H;
    __global const float* ro = ri + H * H;
    __global const float* rf = ro + H * H;
    __global const float* rc = rf + H * H;
    float ai = lmms_dot(ri, 1, h, 1, H);
    float ao = lmms_dot(ro, 1, h, 1, H);
    float af = lmms_dot(rf, 1, h, 1, H);
    float ac = lmms_dot(rc, 1, h, 1, H);
    __global const float* x = xw + o.s0 + b * 4 * H;
    __global const float* bias = rb + o.s2;
    float gi = lmms_sigmoid(x[j] + ai + bias[j]);
    float go = lmms_sigmoid(x[H + j] + ao + bias[H + j]);
    float gf = lmms_sigmoid(x[2 * H + j] + af + bias[2 * H + j]);
    float gc = tanh(x[3 * H + j] + ac + bias[3 * H + j]);
    float c = gf * cp[cpo + b * H + j] + gi * gc;
    cs[o.s7 + b * H + j] = c;
    y[o.s4 + b * H + j] = go * tanh(c);
}
