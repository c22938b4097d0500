import Foundation

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
/// `exp`, `expm1` and `log1p` come from `FastMath` (vectorisable polynomials, a few ulp from libm).
public enum Activation: String, Codable, Sendable, CaseIterable {
    case sigmoid, tanh, relu, elu, softplus, identity

    /// `f(z)` for one element.
    @inlinable
    public func value(_ z: Float) -> Float {
        switch self {
        case .sigmoid:
            return 1 / (1 + FastMath.exp(-z))
        case .tanh: return Foundation.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .elu: return z > 0 ? z : FastMath.expm1(Swift.min(z, 0))
        case .softplus:
            // log(1 + e^z) = max(z, 0) + log1p(e^-|z|), exact for large |z| in both directions.
            return Swift.max(z, 0) + FastMath.log1pUnit(FastMath.exp(-Swift.abs(z)))
        case .identity: return z
        }
    }

    /// `f'(z)` expressed through the output `a = f(z)`.
    @inlinable
    public func derivative(output a: Float) -> Float {
        switch self {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return a > 0 ? 1 : 0
        case .elu: return a > 0 ? 1 : a + 1
        case .softplus: return -FastMath.expm1(-a)
        case .identity: return 1
        }
    }
}
