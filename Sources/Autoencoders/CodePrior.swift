import Linalg

/// A distribution over codes for `generate`: decoding samples from it gives new images.
///
/// For a plain autoencoder it is the Gaussian fitted to the training codes (mean and the Cholesky
/// factor of their covariance), so samples land where real codes live; for a VAE it is N(0, I),
/// the prior its KL term trains toward.
///
/// ```swift
/// let prior = try CodePrior.fit(model: model, data: train)
/// var rng = RandomSource(seed: 1)
/// let images = try model.decode(prior.sample(count: 16, rng: &rng))
/// ```
public struct CodePrior: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable { case standardNormal, gaussian }

    public var kind: Kind
    public var dimension: Int
    public var mean: [Float]
    /// Row-major lower-triangular `dimension x dimension` factor `L` with covariance `L L^T`
    /// (empty for `standardNormal`).
    public var choleskyFactor: [Float]

    /// N(0, I) in `dimension` dimensions.
    public static func standardNormal(dimension: Int) -> CodePrior {
        CodePrior(kind: .standardNormal, dimension: dimension, mean: [Float](repeating: 0, count: dimension), choleskyFactor: [])
    }

    /// The Gaussian fitted to the rows of `codes` (sample covariance, divisor n - 1). A small
    /// ridge (`jitter` times the mean variance) keeps the factorisation defined when units are dead.
    public static func fit(codes: Matrix, jitter: Double = 1e-6) throws -> CodePrior {
        let k = codes.cols
        guard codes.rows >= 2 else { throw AutoencoderError.invalidSpec("a code prior needs at least 2 codes, got \(codes.rows)") }
        let mean = SymmetricDecompositions.columnMeans(codes)
        var cov = SymmetricDecompositions.centeredGram(codes, center: mean)
        let scale = 1 / Double(codes.rows - 1)
        var trace = 0.0
        for i in 0..<k { trace += cov[i * k + i] * scale }
        let ridge = Swift.max(jitter * trace / Double(k), 1e-12)
        for i in cov.indices { cov[i] *= scale }
        for i in 0..<k { cov[i * k + i] += ridge }
        let l = try SymmetricDecompositions.cholesky(cov, n: k)
        return CodePrior(kind: .gaussian, dimension: k, mean: mean.map { Float($0) }, choleskyFactor: l.map { Float($0) })
    }

    /// The prior `generate` should use for `model`: N(0, I) for a VAE, else fitted to `encode(data)`.
    public static func fit(model: Autoencoder, data: Matrix) throws -> CodePrior {
        if model.spec.variational { return .standardNormal(dimension: model.codeSize) }
        return try fit(codes: model.encode(data))
    }

    /// `count` codes drawn from the prior: `mean + L z`, `z ~ N(0, I)` from `rng`.
    public func sample(count: Int, rng: inout RandomSource) -> Matrix {
        var z = [Float](repeating: 0, count: max(count, 0) * dimension)
        rng.fillNormal(&z)
        let zm = Matrix(rows: max(count, 0), cols: dimension, data: z)
        guard kind == .gaussian else { return zm }
        var out = zm.matmul(Matrix(rows: dimension, cols: dimension, data: choleskyFactor), .none, .transposed)
        out.addRowVector(mean)
        return out
    }

    /// The covariance `L L^T` (identity for `standardNormal`).
    public var covariance: Matrix {
        guard kind == .gaussian else {
            var m = Matrix(rows: dimension, cols: dimension)
            for i in 0..<dimension { m[i, i] = 1 }
            return m
        }
        let l = Matrix(rows: dimension, cols: dimension, data: choleskyFactor)
        return l.matmul(l, .none, .transposed)
    }
}
