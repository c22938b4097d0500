/// The terms of the training objective, reported separately.
///
/// - `reconstruction`: the spec's loss (`mse`, `halfSumSquares`, `halfSumSquaresPerSample` or `sigmoidCrossEntropy`).
/// - `sparsity`: `weight * sum_j KL(rho || rho_hat_j)` on the code layer's batch-mean activation.
/// - `l2`: `l2 * sum(w^2) / 2` over kernels; `l1`: `l1 * sum(|w|)` over kernels.
/// - `kl`: the VAE's `klWeight * KL(q(z|x) || N(0, I))`, normalised like the reconstruction loss.
public struct LossTerms: Codable, Equatable, Sendable {
    public var reconstruction: Double = 0
    public var sparsity: Double = 0
    public var l2: Double = 0
    public var l1: Double = 0
    public var kl: Double = 0

    public init(reconstruction: Double = 0, sparsity: Double = 0, l2: Double = 0, l1: Double = 0, kl: Double = 0) {
        self.reconstruction = reconstruction; self.sparsity = sparsity; self.l2 = l2; self.l1 = l1; self.kl = kl
    }

    /// The objective the optimizer minimises: the sum of every term.
    public var total: Double { reconstruction + sparsity + l2 + l1 + kl }

    /// True when every term is a finite number.
    public var isFinite: Bool { [reconstruction, sparsity, l2, l1, kl].allSatisfy(\.isFinite) }

    mutating func accumulate(_ other: LossTerms, weight: Double) {
        reconstruction += other.reconstruction * weight; sparsity += other.sparsity * weight
        l2 += other.l2 * weight; l1 += other.l1 * weight; kl += other.kl * weight
    }
}
