/* The fused elementwise kernels of a training step (declared and explained in aezoo_kernels.h). */
#include "aezoo_kernels.h"

#pragma clang fp contract(off)

/* Each kernel is compiled three times and the dynamic loader keeps the best one the CPU runs. */
#if defined(__x86_64__) && defined(__ELF__)
#define AEZ_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AEZ_CLONES
#endif

/* Runs LOOP(F) with F a compile-time activation, so every loop body is straight-line code. */
#define AEZ_DISPATCH(f, LOOP)                          \
    switch (f) {                                       \
    case AEZ_SIGMOID: LOOP(AEZ_SIGMOID); break;        \
    case AEZ_TANH: LOOP(AEZ_TANH); break;              \
    case AEZ_RELU: LOOP(AEZ_RELU); break;              \
    case AEZ_ELU: LOOP(AEZ_ELU); break;                \
    case AEZ_SOFTPLUS: LOOP(AEZ_SOFTPLUS); break;      \
    default: LOOP(AEZ_IDENTITY); break;                \
    }

AEZ_CLONES
void aez_bias_activate(float *restrict z, const float *restrict bias, long rows, long cols, int f) {
#define LOOP(F)                                                                             \
    for (long r = 0; r < rows; r++) {                                                       \
        float *restrict p = z + r * cols;                                                   \
        for (long j = 0; j < cols; j++) p[j] = aez_activate(F, p[j] + bias[j]);             \
    }
    AEZ_DISPATCH(f, LOOP)
#undef LOOP
}

AEZ_CLONES
void aez_bias_activate_output(float *restrict logits, const float *restrict bias, float *restrict out,
                              long rows, long cols, int f) {
#define LOOP(F)                                                                             \
    for (long r = 0; r < rows; r++) {                                                       \
        float *restrict p = logits + r * cols, *restrict q = out + r * cols;                \
        for (long j = 0; j < cols; j++) { float v = p[j] + bias[j]; p[j] = v; q[j] = aez_activate(F, v); } \
    }
    AEZ_DISPATCH(f, LOOP)
#undef LOOP
}

AEZ_CLONES
void aez_activation_backward(float *restrict g, const float *restrict a, const float *restrict extra,
                             float *restrict bias_grad, long rows, long cols, int f) {
    for (long j = 0; j < cols; j++) bias_grad[j] = 0;
#define LOOP(F)                                                                             \
    for (long r = 0; r < rows; r++) {                                                       \
        float *restrict gr = g + r * cols;                                                  \
        const float *restrict ar = a + r * cols;                                            \
        if (extra) {                                                                        \
            for (long j = 0; j < cols; j++) {                                               \
                float v = (gr[j] + extra[j]) * aez_derivative(F, ar[j]);                    \
                gr[j] = v; bias_grad[j] += v;                                               \
            }                                                                               \
        } else {                                                                            \
            for (long j = 0; j < cols; j++) {                                               \
                float v = gr[j] * aez_derivative(F, ar[j]);                                 \
                gr[j] = v; bias_grad[j] += v;                                               \
            }                                                                               \
        }                                                                                   \
    }
    AEZ_DISPATCH(f, LOOP)
#undef LOOP
}

AEZ_CLONES
void aez_column_sums(const float *restrict g, float *restrict out, long rows, long cols) {
    for (long j = 0; j < cols; j++) out[j] = 0;
    for (long r = 0; r < rows; r++) {
        const float *restrict gr = g + r * cols;
        for (long j = 0; j < cols; j++) out[j] += gr[j];
    }
}

/* One row of the fused output kernel. HAS_G is a compile-time constant. */
#define SQUARED_ROW(F, HAS_G)                                                               \
    for (long j = 0; j < cols; j++) {                                                       \
        float a, slope;                                                                     \
        aez_activate_with_slope(F, lr[j] + bias[j], &a, &slope);                            \
        float diff = a - xr[j];                                                             \
        sq[j] += diff * diff;                                                               \
        if (HAS_G) { float v = scale * diff * slope; gr[j] = v; bias_grad[j] += v; }       \
    }

/* TF's stable form: max(z, 0) - z*x + log(1 + exp(-|z|)); d/dz = sigmoid(z) - x. */
#define CROSS_ENTROPY_ROW(HAS_G)                                                            \
    for (long j = 0; j < cols; j++) {                                                       \
        float z = lr[j] + bias[j], xx = xr[j];                                              \
        float a = aez_activate(AEZ_SIGMOID, z);                                             \
        ce[j] += (0.0f >= z ? 0.0f : z) - z * xx + aez_log1p_unit(aez_exp(-fabsf(z)));     \
        float diff = a - xx;                                                                \
        sq[j] += diff * diff;                                                               \
        if (HAS_G) { float v = scale * diff; gr[j] = v; bias_grad[j] += v; }               \
    }

#define ROWS(BODY)                                                                          \
    for (long r = 0; r < rows; r++) {                                                       \
        const float *restrict lr = logits + r * cols, *restrict xr = x + r * cols;          \
        float *restrict gr = g ? g + r * cols : 0;                                          \
        BODY                                                                                \
    }

AEZ_CLONES
void aez_output_loss(const float *restrict logits, const float *restrict bias, const float *restrict x,
                     float *restrict g, float *restrict bias_grad, float *restrict column_sums,
                     long rows, long cols, int f, int loss, float scale) {
    float *restrict sq = column_sums, *restrict ce = column_sums + cols;
    for (long j = 0; j < 2 * cols; j++) column_sums[j] = 0;
    if (g) for (long j = 0; j < cols; j++) bias_grad[j] = 0;
    if (loss == AEZ_LOSS_SIGMOID_CROSS_ENTROPY) {
        if (g) { ROWS(CROSS_ENTROPY_ROW(1)) } else { ROWS(CROSS_ENTROPY_ROW(0)) }
        return;
    }
#define LOOP(F) if (g) { ROWS(SQUARED_ROW(F, 1)) } else { ROWS(SQUARED_ROW(F, 0)) }
    AEZ_DISPATCH(f, LOOP)
#undef LOOP
}

/* Lanes of the partial sums below: a fixed count (not the vector width), so the grouping of the
 * additions, and with it every bit of the result, is the same whichever clone runs. */
#define LANES 16

AEZ_CLONES
int aez_reduce_gradients(float *restrict g0, float *const *others, int count, const float *restrict w,
                         long n, float l2, float l1, float *sum_squares, float *sum_abs) {
    for (int s = 0; s < count; s++) {
        float *restrict src = others[s];
        for (long i = 0; i < n; i++) { g0[i] += src[i]; src[i] = 0; }
    }
    float check[LANES] = {0}, sq[LANES] = {0}, ab[LANES] = {0};
    long body = n - n % LANES;
    if (w) {
        for (long i = 0; i < body; i += LANES) {
            for (int k = 0; k < LANES; k++) {
                float v = w[i + k];
                sq[k] += v * v;
                ab[k] += fabsf(v);
                float sign = v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f);
                float r = g0[i + k] + (l2 * v + l1 * sign);
                g0[i + k] = r;
                check[k] += r * 0.0f;   /* 0 for finite r, NaN for NaN or infinity */
            }
        }
        for (long i = body; i < n; i++) {
            float v = w[i];
            sq[0] += v * v;
            ab[0] += fabsf(v);
            float sign = v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f);
            float r = g0[i] + (l2 * v + l1 * sign);
            g0[i] = r;
            check[0] += r * 0.0f;
        }
        float s = 0, a = 0;
        for (int k = 0; k < LANES; k++) { s += sq[k]; a += ab[k]; }
        *sum_squares += s;
        *sum_abs += a;
    } else {
        for (long i = 0; i < body; i += LANES)
            for (int k = 0; k < LANES; k++) check[k] += g0[i + k] * 0.0f;
        for (long i = body; i < n; i++) check[0] += g0[i] * 0.0f;
    }
    float c = 0;
    for (int k = 0; k < LANES; k++) c += check[k];
    return c == 0.0f;
}

AEZ_CLONES
void aez_adam_update(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, long n,
                     float lr_t, float one_minus_beta1, float one_minus_beta2, float epsilon) {
    for (long i = 0; i < n; i++) {
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * one_minus_beta1;
        float vi = v[i] + (gi * gi - v[i]) * one_minus_beta2;
        m[i] = mi;
        v[i] = vi;
        /* __builtin_elementwise_sqrt is IEEE sqrt without errno, so the loop vectorises. */
        p[i] -= (mi * lr_t) / (__builtin_elementwise_sqrt(vi) + epsilon);
    }
}
