import CKernels

/// Branch-free float32 `exp`, `expm1` and `log1p` (on [0, 1]): the C kernels' own functions
/// (`aezoo_kernels.h`), so a scalar `Activation.value` and the vectorised training loops compute
/// the same bits. Accuracy is within a few ulp of libm on the ranges the activations use.
enum FastMath {
    /// e^x. Arguments are clamped to [-87, 88], where e^x is a normal float; NaN stays NaN.
    static func exp(_ x: Float) -> Float { aez_exp(x) }

    /// e^x - 1, accurate near 0 (Taylor series for |x| < 0.5, where e^x - 1 would cancel).
    static func expm1(_ x: Float) -> Float { aez_expm1(x) }

    /// log(1 + t) for t in [0, 1].
    static func log1pUnit(_ t: Float) -> Float { aez_log1p_unit(t) }
}
