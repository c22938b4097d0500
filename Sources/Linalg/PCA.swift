/// Principal component analysis: the optimal linear autoencoder, and the baseline every trained
/// model is compared with (a one-hidden-layer autoencoder worse than PCA at the same code size is
/// under-trained).
///
/// Fitted exactly: the covariance is accumulated in Double and decomposed by LAPACK `dsyevd`.
///
/// ```swift
/// let pca = try PCA.fit(train, components: 32)
/// let mse = pca.reconstruct(test).meanSquaredError(to: test)   // Fashion-MNIST: 0.01514
/// ```
public struct PCA: Codable, Equatable, Sendable {
    /// Per-feature mean of the training data.
    public var mean: [Float]
    /// `k x d`: row `i` is the unit-length `i`-th principal direction (by decreasing variance).
    public var components: Matrix
    /// Variance along each component (eigenvalue of the covariance with divisor `n - 1`).
    public var explainedVariance: [Double]
    /// Sum of all eigenvalues (total variance with divisor `n - 1`).
    public var totalVariance: Double

    /// Fits the top `components` principal directions of the rows of `x`.
    public static func fit(_ x: Matrix, components k: Int) throws -> PCA {
        let d = x.cols
        guard x.rows >= 2 else { throw LinalgError.invalidArgument("PCA needs at least 2 rows, got \(x.rows)") }
        guard k >= 1, k <= d else { throw LinalgError.invalidArgument("PCA components must be in 1...\(d), got \(k)") }
        let mean = SymmetricDecompositions.columnMeans(x)
        var cov = SymmetricDecompositions.centeredGram(x, center: mean)
        let scale = 1 / Double(x.rows - 1)
        for i in cov.indices { cov[i] *= scale }
        let (values, vectors) = try SymmetricDecompositions.eigen(cov, n: d)
        var comps = Matrix(rows: k, cols: d)
        var explained = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let j = d - 1 - c   // eigenvalues ascend: take from the top
            explained[c] = values[j]
            for i in 0..<d { comps[c, i] = Float(vectors[i * d + j]) }
        }
        return PCA(mean: mean.map { Float($0) }, components: comps, explainedVariance: explained,
                   totalVariance: values.reduce(0, +))
    }

    public init(mean: [Float], components: Matrix, explainedVariance: [Double], totalVariance: Double) {
        self.mean = mean; self.components = components
        self.explainedVariance = explainedVariance; self.totalVariance = totalVariance
    }

    /// Codes: `(x - mean) C^T`, `rows x k`.
    public func transform(_ x: Matrix) -> Matrix {
        precondition(x.cols == mean.count, "PCA.transform: data has \(x.cols) columns, PCA has \(mean.count)")
        var centered = x
        centered.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<x.rows { let o = r * x.cols; for j in 0..<x.cols { p[o + j] -= mean[j] } }
        }
        return centered.matmul(components, .none, .transposed)
    }

    /// Back to data space: `codes C + mean`.
    public func inverseTransform(_ codes: Matrix) -> Matrix {
        var out = codes.matmul(components)
        out.addRowVector(mean)
        return out
    }

    /// The same fit restricted to its first `k` components (PCA-k from one PCA-K fit, k <= K).
    public func keeping(_ k: Int) -> PCA {
        let k = Swift.max(1, Swift.min(k, components.rows))
        return PCA(mean: mean, components: components.rows(0..<k), explainedVariance: Array(explainedVariance.prefix(k)),
                   totalVariance: totalVariance)
    }

    /// Projection onto the principal subspace: `inverseTransform(transform(x))`.
    public func reconstruct(_ x: Matrix) -> Matrix { inverseTransform(transform(x)) }
}
