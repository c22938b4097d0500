import XCTest
@testable import Linalg

final class PCATests: XCTestCase {
    /// Data with known structure: x = mean + 3 u1 e1 + 1 u2 e2 + 0.1 noise, along rotated axes.
    func makeData(rows: Int = 4000) -> (x: Matrix, e1: [Float], e2: [Float]) {
        var rng = RandomSource(seed: 3)
        let s = Float(0.5).squareRoot()
        let e1: [Float] = [s, s, 0, 0], e2: [Float] = [0, 0, s, -s]
        var x = Matrix(rows: rows, cols: 4)
        for r in 0..<rows {
            let u1 = Float(rng.nextNormal()) * 3, u2 = Float(rng.nextNormal())
            for j in 0..<4 { x[r, j] = [1, 2, 3, 4][j] + u1 * e1[j] + u2 * e2[j] + 0.1 * Float(rng.nextNormal()) }
        }
        return (x, e1, e2)
    }

    func testRecoversPrincipalDirectionsAndVariances() throws {
        let (x, e1, e2) = makeData()
        let pca = try PCA.fit(x, components: 2)
        let dot1 = zip(pca.components.row(0), e1).map { $0 * $1 }.reduce(0, +)
        let dot2 = zip(pca.components.row(1), e2).map { $0 * $1 }.reduce(0, +)
        XCTAssertEqual(Swift.abs(dot1), 1, accuracy: 1e-3)
        XCTAssertEqual(Swift.abs(dot2), 1, accuracy: 1e-3)
        XCTAssertEqual(pca.explainedVariance[0], 9.01, accuracy: 0.5)   // 3^2 + 0.1^2
        XCTAssertEqual(pca.explainedVariance[1], 1.01, accuracy: 0.08)
        XCTAssertEqual(pca.totalVariance, 9 + 1 + 4 * 0.01, accuracy: 0.5)
        XCTAssertEqual(pca.mean[3], 4, accuracy: 0.1)
        // Reconstruction error is exactly the variance left out: about 2 * 0.01 per element on average over 4.
        XCTAssertEqual(pca.reconstruct(x).meanSquaredError(to: x), 0.01 * 2 / 4, accuracy: 0.001)
    }

    func testFullRankPCAReconstructsExactlyAndComponentsAreOrthonormal() throws {
        let (x, _, _) = makeData(rows: 500)
        let pca = try PCA.fit(x, components: 4)
        XCTAssertLessThan(pca.reconstruct(x).meanSquaredError(to: x), 1e-10)
        let gram = pca.components.matmul(pca.components, .none, .transposed)
        for i in 0..<4 { for j in 0..<4 { XCTAssertEqual(gram[i, j], i == j ? 1 : 0, accuracy: 1e-5) } }
        XCTAssertEqual(pca.keeping(2).components, pca.components.rows(0..<2))
    }

    func testCholeskyAndTypedErrors() throws {
        let a: [Double] = [4, 2, 2, 3]
        let l = try SymmetricDecompositions.cholesky(a, n: 2)
        XCTAssertEqual(l[0], 2, accuracy: 1e-12); XCTAssertEqual(l[1], 0); XCTAssertEqual(l[2], 1, accuracy: 1e-12)
        XCTAssertEqual(l[3], 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertThrowsError(try SymmetricDecompositions.cholesky([1, 2, 2, 1], n: 2)) { e in
            XCTAssertEqual(e as? LinalgError, .lapack(routine: "dpotrf", info: 2))
        }
        XCTAssertThrowsError(try PCA.fit(Matrix(rows: 5, cols: 3), components: 4))
        XCTAssertThrowsError(try PCA.fit(Matrix(rows: 1, cols: 3), components: 1))
    }
}
