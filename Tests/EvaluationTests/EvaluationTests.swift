import Autoencoders
import Linalg
import XCTest
@testable import Evaluation

final class EvaluationTests: XCTestCase {
    /// Two well-separated Gaussian blobs per class in 6 dimensions.
    func blobs(_ n: Int, seed: UInt64) -> (Matrix, [Int]) {
        var rng = RandomSource(seed: seed)
        var x = Matrix(rows: n, cols: 6), labels: [Int] = []
        for i in 0..<n {
            let c = i % 3
            labels.append(c)
            for j in 0..<6 { x[i, j] = Float(rng.nextNormal()) * 0.5 + (j % 3 == c ? 2 : 0) }
        }
        return (x, labels)
    }

    func testLinearProbeSeparatesSeparableClassesAndIsDeterministic() {
        let (train, trainLabels) = blobs(600, seed: 1)
        let (test, testLabels) = blobs(300, seed: 2)
        let probe = LinearProbe.fit(features: train, labels: trainLabels, classes: 3)
        XCTAssertGreaterThan(probe.accuracy(features: test, labels: testLabels), 0.95)
        let again = LinearProbe.fit(features: train, labels: trainLabels, classes: 3)
        XCTAssertEqual(probe.predict(test), again.predict(test))
        // Features that carry no class information: the probe falls to chance (1/3).
        var rng = RandomSource(seed: 5)
        var noise = [Float](repeating: 0, count: 900 * 6)
        rng.fillNormal(&noise)
        let noiseTrain = Matrix(rows: 600, cols: 6, data: Array(noise[0..<3600]))
        let noiseTest = Matrix(rows: 300, cols: 6, data: Array(noise[3600...]))
        let chance = LinearProbe.fit(features: noiseTrain, labels: trainLabels, classes: 3).accuracy(features: noiseTest, labels: testLabels)
        XCTAssertLessThan(chance, 0.45)
    }

    func testCodeActivityCountsDeadUnits() {
        let codes = Matrix(rows: 3, cols: 3, data: [0.5, 0, 0.001, 0.7, 0, 0.002, 0.9, 0, 0.02])
        let a = CodeActivity(codes, threshold: 0.01)
        XCTAssertEqual(a.deadUnits, 1)   // only the middle unit never exceeds 0.01
        XCTAssertEqual(a.perUnitMean[0], 0.7, accuracy: 1e-6)
        XCTAssertEqual(a.mean, (0.7 + 0 + 0.023 / 3) / 3, accuracy: 1e-6)
    }

    func testReportMeasuresInInputUnitsAndComparesWithPCA() throws {
        // Data on a 2-D plane in 8 dimensions: PCA with 2 components reconstructs it exactly, so it is the floor.
        var rng = RandomSource(seed: 3)
        var x = Matrix(rows: 200, cols: 8)
        for i in 0..<200 {
            let a = Float(rng.nextUniform()), b = Float(rng.nextUniform())
            for j in 0..<8 { x[i, j] = 0.5 * a * Float(j % 2) + 0.5 * b * Float((j + 1) % 2) }
        }
        let spec = ModelSpec(inputSize: 8, encoder: [.init(units: 2, activation: .sigmoid)])
        let model = try Autoencoder(spec: spec, seed: 1)
        let report = try ModelEvaluation.run(model: model, normalization: .none,
                                             train: LabeledSplit(inputs: x, labels: nil), test: LabeledSplit(inputs: x, labels: nil))
        XCTAssertEqual(report.testSamples, 200)
        XCTAssertEqual(report.codeUnits, 2)
        XCTAssertLessThan(report.pcaMSE!, 1e-8)
        XCTAssertGreaterThan(report.testMSE, report.pcaMSE!)
        XCTAssertEqual(report.testMSE, try model.reconstruct(x).meanSquaredError(to: x), accuracy: 1e-9)
        XCTAssertNil(report.probeAccuracy)   // no labels, no probe
    }
}
