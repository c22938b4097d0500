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

    func testLocalityOfKnownPatterns() {
        let side = 28, n = side * side
        var units = Matrix(rows: 4, cols: n)
        units[0, 10 * side + 12] = -3                                    // one pixel
        for i in 0..<n { units[1, i] = i % 2 == 0 ? 1 : -1 }             // equal magnitudes everywhere
        for y in 3..<10 { for x in 20..<27 { units[2, y * side + x] = 0.5 } }   // one 7x7 square
        for y in 0..<14 { units[3, y * side + 5] = 1 }                   // a vertical stroke, 14 pixels long
        let m = FeatureLocality(unitsByInputs: units, side: side)
        XCTAssertEqual(m.window, 7)
        XCTAssertEqual(m.windowEnergy[0], 1, accuracy: 1e-12)
        XCTAssertEqual(m.effectivePixels[0], 1, accuracy: 1e-9)
        XCTAssertEqual(m.windowEnergy[1], 49.0 / 784, accuracy: 1e-12)
        XCTAssertEqual(m.effectivePixels[1], 784, accuracy: 1e-6)
        XCTAssertEqual(m.windowEnergy[2], 1, accuracy: 1e-12)
        XCTAssertEqual(m.effectivePixels[2], 49, accuracy: 1e-6)
        XCTAssertEqual(m.windowEnergy[3], 0.5, accuracy: 1e-12)
        XCTAssertEqual(m.effectivePixels[3], 14, accuracy: 1e-6)
        XCTAssertEqual(m.medianWindowEnergy, 0.75, accuracy: 1e-12)
        XCTAssertEqual(m.medianEffectivePixels, 31.5, accuracy: 1e-6)
        // Gaussian noise: the window holds about window^2 / side^2, effective pixels about 2 side^2 / pi.
        var rng = RandomSource(seed: 8)
        var noise = Matrix(rows: 50, cols: n)
        rng.fillNormal(&noise.data)
        let random = FeatureLocality(unitsByInputs: noise, side: side)
        XCTAssertEqual(random.medianEffectivePixels, 2 * 784 / Double.pi, accuracy: 25)
        XCTAssertLessThan(random.medianWindowEnergy, 0.12)
        XCTAssertEqual(FeatureLocality.windowSide(forImageSide: 8), 2)
    }

    /// Window energy alone rates a few large spikes in a field of noise as "local" (what an
    /// unregularized model grows on pixels that are almost never lit); the adjacent-weight correlation
    /// tells such a tile from a real stroke or blob. Expected values computed independently (NumPy).
    func testNeighbourCorrelationTellsFeaturesFromSpikyNoise() {
        let side = 28, n = side * side
        var units = Matrix(rows: 4, cols: n)
        for y in 3..<10 { for x in 20..<27 { units[0, y * side + x] = 0.5 } }             // a 7x7 square
        for y in 0..<side { for x in 0..<side { units[1, y * side + x] = (x + y) % 2 == 0 ? 1 : -1 } }   // checkerboard
        for y in 0..<side { for x in 0..<side {                                             // a round blob, sigma 3
            let d2 = Double((x - 14) * (x - 14) + (y - 10) * (y - 10))
            units[2, y * side + x] = Float(exp(-d2 / 18))
        } }
        var rng = RandomSource(seed: 11)
        for i in 0..<n { units[3, i] = Float(rng.nextNormal()) * 0.05 }                     // noise ...
        for (k, p) in [0, 1, 28, 29, 783].enumerated() { units[3, p] = k % 2 == 0 ? 3 : -3 } // ... and five spikes
        let m = FeatureLocality(unitsByInputs: units, side: side)
        XCTAssertEqual(m.neighbourCorrelation[0], 0.847255369928401, accuracy: 1e-6)
        XCTAssertEqual(m.neighbourCorrelation[1], -1, accuracy: 1e-9)
        XCTAssertEqual(m.neighbourCorrelation[2], 0.9677967361575484, accuracy: 1e-6)
        XCTAssertGreaterThan(m.windowEnergy[3], 0.7, "the spikes fool the window")
        XCTAssertLessThan(abs(m.neighbourCorrelation[3]), 0.1, "but not the correlation")
        XCTAssertGreaterThan(m.windowEnergy[2], 0.7)
        var noise = Matrix(rows: 50, cols: n)
        rng.fillNormal(&noise.data)
        XCTAssertLessThan(abs(FeatureLocality(unitsByInputs: noise, side: side).medianNeighbourCorrelation), 0.03)
    }

    /// A standard-scaled model is compared with PCA fitted in its own (standardized) space as well as
    /// in pixel space; its weights' locality is reported next to those PCA components'.
    func testModelSpacePCAAndLocalityInTheReport() throws {
        var rng = RandomSource(seed: 4)
        var x = Matrix(rows: 300, cols: 16)
        for i in 0..<300 {
            let a = Float(rng.nextUniform()), b = Float(rng.nextUniform())
            for j in 0..<16 { x[i, j] = (j < 8 ? a : b) * Float(j % 4 + 1) / 4 + 0.01 * Float(rng.nextNormal()) }
        }
        let spec = ModelSpec(inputSize: 16, encoder: [.init(units: 3, activation: .sigmoid)], outputActivation: .identity)
        let model = try Autoencoder(spec: spec, seed: 2)
        let split = LabeledSplit(inputs: x, labels: nil)
        let plain = try ModelEvaluation.run(model: model, normalization: .none, train: split, test: split)
        XCTAssertNil(plain.pcaModelSpaceMSE)
        let norm = Normalization.fitStandard(x)
        let scaled = try ModelEvaluation.run(model: model, normalization: norm, train: split, test: split)
        // PCA fitted on standardized pixels, mapped back: computed independently here.
        var z = x
        norm.apply(to: &z)
        var r = try PCA.fit(z, components: 3).reconstruct(z)
        norm.invert(&r)
        XCTAssertEqual(scaled.pcaModelSpaceMSE!, r.meanSquaredError(to: x), accuracy: 1e-9)
        XCTAssertEqual(scaled.pcaMSE!, plain.pcaMSE!, accuracy: 1e-12)
        XCTAssertGreaterThanOrEqual(scaled.pcaModelSpaceMSE!, scaled.pcaMSE! * (1 - 1e-6), "pixel-space PCA is optimal in pixels")
        let l = try XCTUnwrap(scaled.locality)
        XCTAssertEqual(l.window, 2)
        XCTAssertEqual(l.pcaComponents, 3)
        let expected = FeatureLocality(unitsByInputs: try model.weights(layer: 0).transposed, side: 4)
        XCTAssertEqual(l.windowEnergy, expected.medianWindowEnergy)
        XCTAssertEqual(l.effectivePixels, expected.medianEffectivePixels)
        XCTAssertEqual(l.neighbourCorrelation, expected.medianNeighbourCorrelation)
        XCTAssertEqual(l.pcaWindowEnergy, FeatureLocality(unitsByInputs: try PCA.fit(z, components: 3).components, side: 4).medianWindowEnergy,
                       accuracy: 1e-9)
    }
}
