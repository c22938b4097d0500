import Linalg

extension CodePrior {
    /// The Gaussian with `mean` and row-major `covariance` (as checkpoints store it), factorised once.
    public static func gaussian(mean: [Float], covariance: [Float]) throws -> CodePrior {
        let k = mean.count
        guard covariance.count == k * k else {
            throw AutoencoderError.invalidSpec("code prior covariance has \(covariance.count) values, need \(k * k)")
        }
        let l = try SymmetricDecompositions.cholesky(covariance.map(Double.init), n: k)
        return CodePrior(kind: .gaussian, dimension: k, mean: mean, choleskyFactor: l.map { Float($0) })
    }
}
