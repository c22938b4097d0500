import XCTest
@testable import Linalg

final class MatrixTests: XCTestCase {
    func testGemmMatchesNaiveProductForEveryTransposeCombination() {
        var rng = RandomSource(seed: 1)
        func random(_ r: Int, _ c: Int) -> Matrix {
            var d = [Float](repeating: 0, count: r * c); rng.fillNormal(&d); return Matrix(rows: r, cols: c, data: d)
        }
        let a = random(5, 7), b = random(7, 3)
        var expected = Matrix(rows: 5, cols: 3)
        for i in 0..<5 { for j in 0..<3 { var s: Float = 0; for k in 0..<7 { s += a[i, k] * b[k, j] }; expected[i, j] = s } }
        let cases: [(Matrix, Transpose, Matrix, Transpose)] = [
            (a, .none, b, .none), (a.transposed, .transposed, b, .none),
            (a, .none, b.transposed, .transposed), (a.transposed, .transposed, b.transposed, .transposed),
        ]
        for (x, tx, y, ty) in cases {
            let c = x.matmul(y, tx, ty)
            XCTAssertEqual(c.shape, [5, 3])
            for i in 0..<15 { XCTAssertEqual(c.data[i], expected.data[i], accuracy: 1e-4) }
        }
    }

    func testGemmAccumulatesWithBeta() {
        let a = Matrix(rows: 1, cols: 2, data: [1, 2]), b = Matrix(rows: 2, cols: 1, data: [3, 4])
        var c = Matrix(rows: 1, cols: 1, data: [10])
        Matrix.gemm(a, b, into: &c, alpha: 2, beta: 1)
        XCTAssertEqual(c.data, [32])
    }

    func testColumnMeansAndBias() {
        var m = Matrix(rows: 2, cols: 3, data: [1, 2, 3, 3, 4, 5])
        XCTAssertEqual(m.columnMeans(), [2, 3, 4])
        m.addRowVector([1, 1, 1])
        XCTAssertEqual(m.data, [2, 3, 4, 4, 5, 6])
    }

    func testRandomSourceIsReproducibleAndResumable() {
        var a = RandomSource(seed: 7)
        _ = a.nextNormal() // leaves a spare deviate pending
        let saved = a.state
        let tail = (0..<5).map { _ in a.nextNormal() }
        var b = RandomSource(state: saved)!
        XCTAssertEqual((0..<5).map { _ in b.nextNormal() }, tail)
        var c = RandomSource(seed: 7), d = RandomSource(seed: 7)
        XCTAssertEqual(c.permutation(100), d.permutation(100))
        XCTAssertNotEqual(RandomSource(seed: 8).state, RandomSource(seed: 7).state)
    }

    func testNormalDeviatesHaveUnitMomentsAndUniformIsInRange() {
        var rng = RandomSource(seed: 3)
        var xs = [Float](repeating: 0, count: 100_000)
        rng.fillNormal(&xs)
        let mean = xs.reduce(0, +) / Float(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
        for _ in 0..<1000 { let u = rng.nextUniform(); XCTAssert(u >= 0 && u < 1) }
    }

    func testVariableStoreKeepsInsertionOrder() {
        var s = VariableStore()
        s["dense/kernel"] = Tensor(Matrix(rows: 1, cols: 1))
        s["dense"] = Tensor(scalar: Float(1))
        s["beta1_power"] = Tensor(scalar: Float(0.9))
        s["dense"] = nil
        XCTAssertEqual(s.names, ["dense/kernel", "beta1_power"])
        XCTAssertEqual(s.map(\.name), ["dense/kernel", "beta1_power"])
    }
}
