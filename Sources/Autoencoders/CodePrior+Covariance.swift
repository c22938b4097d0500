import Linalg

extension CodePrior {
    /// The Gaussian with `mean` and a row-major lower-triangular Cholesky factor (as checkpoints
    /// store it, already validated there): covariance `L L^T`.
    public static func gaussian(mean: [Float], choleskyFactor: [Float]) -> CodePrior {
        precondition(choleskyFactor.count == mean.count * mean.count, "factor must be k x k")
        return CodePrior(kind: .gaussian, dimension: mean.count, mean: mean, choleskyFactor: choleskyFactor)
    }

    /// The Gaussian with `mean` and row-major `covariance`, factorised once.
    public static func gaussian(mean: [Float], covariance: [Float]) throws -> CodePrior {
        let k = mean.count
        guard covariance.count == k * k else {
            throw AutoencoderError.invalidSpec("code prior covariance has \(covariance.count) values, need \(k * k)")
        }
        let l = try SymmetricDecompositions.cholesky(covariance.map(Double.init), n: k)
        return CodePrior(kind: .gaussian, dimension: k, mean: mean, choleskyFactor: l.map { Float($0) })
    }
}
