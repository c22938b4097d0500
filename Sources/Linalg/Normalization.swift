/// How raw inputs are mapped to what a model sees, and back.
///
/// `.none` leaves values as they are (IDX uint8 readers already scale pixels to [0, 1]);
/// `.standard` is scikit-learn's StandardScaler, per feature: `(x - mean) / std`, as the seeds'
/// basic autoencoder uses. A checkpoint stores its normalization so encode applies it and
/// decode undoes it without the user repeating it.
///
/// ```swift
/// let norm = Normalization.fitStandard(train)   // per-pixel mean and std
/// var x = test; norm.apply(to: &x)                // model space
/// norm.invert(&x)                                 // back to pixels
/// ```
public enum Normalization: Codable, Equatable, Sendable {
    case none
    case standard(mean: [Float], std: [Float])

    /// Fits a standard scaler on `data` (population std, as scikit-learn). Features with zero
    /// variance get std 1, as scikit-learn does, so constant border pixels map to 0, not NaN.
    public static func fitStandard(_ data: Matrix) -> Normalization {
        let n = Double(max(data.rows, 1)), c = data.cols
        var sum = [Double](repeating: 0, count: c), sq = [Double](repeating: 0, count: c)
        for r in 0..<data.rows {
            for j in 0..<c { let v = Double(data.data[r * c + j]); sum[j] += v; sq[j] += v * v }
        }
        var mean = [Float](repeating: 0, count: c), std = [Float](repeating: 1, count: c)
        for j in 0..<c {
            let m = sum[j] / n
            let v = Swift.max(sq[j] / n - m * m, 0)
            mean[j] = Float(m)
            std[j] = v > 1e-12 ? Float(v.squareRoot()) : 1
        }
        return .standard(mean: mean, std: std)
    }

    /// Maps raw inputs to model space in place.
    public func apply(to x: inout Matrix) {
        guard case let .standard(mean, std) = self else { return }
        precondition(mean.count == x.cols, "normalization has \(mean.count) features, data has \(x.cols)")
        let c = x.cols
        x.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows { for j in 0..<c { p[r * c + j] = (p[r * c + j] - mean[j]) / std[j] } }
        }
    }

    /// Maps model-space values back to raw inputs in place.
    public func invert(_ x: inout Matrix) {
        guard case let .standard(mean, std) = self else { return }
        precondition(mean.count == x.cols, "normalization has \(mean.count) features, data has \(x.cols)")
        let c = x.cols
        x.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows { for j in 0..<c { p[r * c + j] = p[r * c + j] * std[j] + mean[j] } }
        }
    }

    /// Number of features this normalization expects, or nil for `.none`.
    public var featureCount: Int? {
        if case let .standard(mean, _) = self { return mean.count }
        return nil
    }
}
