import CKernels

/// A layer's elementwise nonlinearity.
///
/// Every derivative is computed from the activation's *output* `a = f(z)`, so a layer keeps one
/// buffer per batch (its outputs) and needs no copy of its pre-activations:
/// sigmoid `a(1-a)`, tanh `1-a^2`, relu `a > 0`, elu (alpha 1) `a > 0 ? 1 : a + 1`,
/// softplus `sigmoid(z) = 1 - exp(-a)`, identity `1`.
///
/// ```swift
/// let f = Activation.softplus
/// let a = f.value(0.5)              // log(1 + e^0.5)
/// let slope = f.derivative(output: a)
/// ```
///
/// `exp`, `expm1` and `log1p` come from `FastMath` (vectorisable polynomials, a few ulp from libm);
/// tanh is libm's.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case sigmoid, tanh, relu, elu, softplus, identity

    /// `f(z)` for one element (the C kernels' scalar form).
    public func value(_ z: Float) -> Float { aez_activate(kernelCode, z) }

    /// `f'(z)` expressed through the output `a = f(z)`.
    public func derivative(output a: Float) -> Float { aez_derivative(kernelCode, a) }
}
