import Linalg

/// How kernels are initialised (biases always start at zero, as in every seed).
///
/// - `xavierUniform`: Glorot uniform, `U(-l, l)` with `l = sqrt(6 / (fanIn + fanOut))`
///   (the seeds' `xavier_init` and `tf.glorot_uniform_initializer`).
/// - `heNormal`: `tf.variance_scaling_initializer()` defaults (scale 2, fan-in, truncated normal):
///   N(0, 2/fanIn) redrawn beyond two standard deviations, with TF's truncation correction
///   (std divided by 0.87962566103423978).
/// - `zeros`: all zeros (the seeds' decoder `W2`); useful for linear models and tests.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    case xavierUniform, heNormal, zeros

    /// Fills a `fanIn x fanOut` kernel from `rng`. Row-major, `[in, out]` as TensorFlow stores it.
    public func kernel(fanIn: Int, fanOut: Int, rng: inout RandomSource) -> Matrix {
        var m = Matrix(rows: fanIn, cols: fanOut)
        switch self {
        case .zeros:
            break
        case .xavierUniform:
            let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
            for i in m.data.indices { m.data[i] = Float(rng.nextUniform(-limit, limit)) }
        case .heNormal:
            let std = (2.0 / Double(max(fanIn, 1))).squareRoot() / 0.87962566103423978
            for i in m.data.indices {
                var z = rng.nextNormal()
                while Swift.abs(z) > 2 { z = rng.nextNormal() }
                m.data[i] = Float(z * std)
            }
        }
        return m
    }
}
