#ifndef AEZOO_KERNELS_H
#define AEZOO_KERNELS_H
/* The elementwise loops of aezoo's training step, in C so they vectorise for the machine they run
 * on: each kernel is compiled for AVX-512, AVX2 and baseline x86-64 and the loader picks one
 * (function multi-versioning). Swift compiles for baseline x86-64 and cannot do that.
 *
 * Every kernel is one pass over row-major float32 matrices and allocates nothing. Reductions keep
 * one running sum per column and walk rows in order, so a result never depends on the vector width
 * or on where a buffer starts: the same inputs give the same bits from every clone.
 * Floating-point contraction (a*b+c fused into one FMA) is off for the same reason. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Activations, in the order of Swift's `Activation.allCases`. */
enum {
    AEZ_SIGMOID = 0, AEZ_TANH = 1, AEZ_RELU = 2, AEZ_ELU = 3, AEZ_SOFTPLUS = 4, AEZ_IDENTITY = 5
};
/* Reconstruction losses. */
enum { AEZ_LOSS_SQUARED = 0, AEZ_LOSS_SIGMOID_CROSS_ENTROPY = 1 };

#pragma clang fp contract(off)

/* Branch-free float32 exp, expm1 and log1p (on [0, 1]): arithmetic and bit moves only, so loops
 * calling them vectorise. Within a few ulp of libm on the ranges the activations use.
 * Comparisons are written so that NaN propagates (never clamped into a finite value): the
 * trainer's NaN/Inf guard must see it. */
static inline float aez_exp(float x) {
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    /* Cody-Waite: x = n ln2 + r, |r| <= ln2/2 (Cephes expf constants). Adding 1.5 * 2^23 rounds
     * x/ln2 to an integer held in the sum's low mantissa bits. */
    float shifted = x * 1.44269504088896341f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = x - n * 0.693359375f;
    r -= n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    uint32_t bits;
    memcpy(&bits, &shifted, 4);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return y * scale;
}

/* e^x - 1, accurate near 0 (Taylor series for |x| < 0.5, where e^x - 1 would cancel). */
static inline float aez_expm1(float x) {
    float t = 1.0f / 40320;
    t = t * x + 1.0f / 5040;
    t = t * x + 1.0f / 720;
    t = t * x + 1.0f / 120;
    t = t * x + 1.0f / 24;
    t = t * x + 1.0f / 6;
    t = t * x + 0.5f;
    float small = (t * x + 1.0f) * x;
    float large = aez_exp(x) - 1.0f;
    return fabsf(x) < 0.5f ? small : large;
}

/* log(1 + t) for t in [0, 1]: 2 atanh(s), s = t / (2 + t) in [0, 1/3], odd series to s^13. */
static inline float aez_log1p_unit(float t) {
    float s = t / (2.0f + t), s2 = s * s;
    float p = 1.0f / 13;
    p = p * s2 + 1.0f / 11;
    p = p * s2 + 1.0f / 9;
    p = p * s2 + 1.0f / 7;
    p = p * s2 + 1.0f / 5;
    p = p * s2 + 1.0f / 3;
    p = p * s2 + 1.0f;
    return 2.0f * s * p;
}

/* f(z). */
static inline float aez_activate(int f, float z) {
    switch (f) {
    case AEZ_SIGMOID: return 1.0f / (1.0f + aez_exp(-z));
    case AEZ_TANH: return tanhf(z);
    case AEZ_RELU: return z > 0 ? z : 0.0f;
    case AEZ_ELU: return z > 0 ? z : aez_expm1(0.0f < z ? 0.0f : z);
    /* log(1 + e^z) = max(z, 0) + log1p(e^-|z|): exact for large |z| in both directions. */
    case AEZ_SOFTPLUS: return (0.0f >= z ? 0.0f : z) + aez_log1p_unit(aez_exp(-fabsf(z)));
    default: return z;
    }
}

/* f'(z) from the output a = f(z): a layer keeps its outputs, never its pre-activations. */
static inline float aez_derivative(int f, float a) {
    switch (f) {
    case AEZ_SIGMOID: return a * (1.0f - a);
    case AEZ_TANH: return 1.0f - a * a;
    case AEZ_RELU: return a > 0 ? 1.0f : 0.0f;
    case AEZ_ELU: return a > 0 ? 1.0f : a + 1.0f;
    case AEZ_SOFTPLUS: return -aez_expm1(-a);
    default: return 1.0f;
    }
}

/* f(z) and f'(z) together, where sharing work pays: softplus' slope is sigmoid(z), which the
 * e^-|z| of its value gives for one division (the output-based -expm1(-a) costs another exp). */
static inline void aez_activate_with_slope(int f, float z, float *a, float *slope) {
    if (f == AEZ_SOFTPLUS) {
        float e = aez_exp(-fabsf(z));
        *a = (0.0f >= z ? 0.0f : z) + aez_log1p_unit(e);
        *slope = (z >= 0 ? 1.0f : e) / (1.0f + e);
    } else {
        *a = aez_activate(f, z);
        *slope = aez_derivative(f, *a);
    }
}

#pragma clang fp contract(on)

/* z = f(z + bias) row by row, in place. */
void aez_bias_activate(float *z, const float *bias, long rows, long cols, int f);

/* Output layer for inference: logits += bias in place, out = f(logits). */
void aez_bias_activate_output(float *logits, const float *bias, float *out, long rows, long cols, int f);

/* Backward through an activation: g = (g + extra[j]) * f'(a) in place (extra may be NULL), and
 * bias_grad = column sums of the new g. */
void aez_activation_backward(float *g, const float *a, const float *extra, float *bias_grad,
                             long rows, long cols, int f);

/* out = column sums of g (rows in order). */
void aez_column_sums(const float *g, float *out, long rows, long cols);

/* The output layer's bias and activation, the reconstruction loss and its gradient in one pass.
 *
 * Reads the output product `logits` (bias not yet added) and the target `x`; the reconstruction
 * a = f(logits + bias) is never stored. With `g` non-NULL writes dL/dz (z = logits + bias) and its
 * column sums into `bias_grad`. `column_sums` (2 * cols) receives per column the sum of squared
 * errors (a - x)^2 and, for cross-entropy, the sum of TF's sigmoid_cross_entropy_with_logits.
 * loss AEZ_LOSS_SQUARED: g = scale * (a - x) * f'(z) (scale 1 for half-sum-of-squares, 2/n for MSE);
 * loss AEZ_LOSS_SIGMOID_CROSS_ENTROPY (f must be sigmoid): g = scale * (a - x). */
void aez_output_loss(const float *logits, const float *bias, const float *x, float *g,
                     float *bias_grad, float *column_sums, long rows, long cols, int f, int loss, float scale);

/* Gradient reduction over data shards for elements [0, n) of one variable:
 * g0[i] = g0[i] + others[0][i] + ... + others[count-1][i] (+ l2 * w[i] + l1 * sign(w[i]) when w is
 * non-NULL), and others[s][i] = 0 once read (the next step's sgemm adds to them).
 * Adds sum(w^2) and sum(|w|) (float, this range) to *sum_squares, *sum_abs.
 * Returns 1 when every reduced element is finite. */
int aez_reduce_gradients(float *g0, float *const *others, int count, const float *w, long n,
                         float l2, float l1, float *sum_squares, float *sum_abs);

/* TF1's Adam kernel on n elements: m += (g - m) * one_minus_beta1; v += (g*g - v) * one_minus_beta2;
 * p -= m * lr_t / (sqrt(v) + epsilon). */
void aez_adam_update(float *p, const float *g, float *m, float *v, long n,
                     float lr_t, float one_minus_beta1, float one_minus_beta2, float epsilon);

#ifdef __cplusplus
}
#endif
#endif
