import XCTest
import Linalg
@testable import Autoencoders

/// Every gradient the trainer uses, checked against central finite differences on small nets.
/// Float forward passes limit agreement to about 1e-3 relative; a wrong term shows up as O(1).
final class GradientCheckTests: XCTestCase {
    let tolerance = 2e-2
    let x = TestSupport.randomMatrix(7, 6, seed: 11)

    func testEveryActivationHiddenAndOutput() throws {
        for f in Activation.allCases {
            let model = try Autoencoder(spec: TestSupport.spec([6, 4], f, output: f), seed: 3)
            // A small step: relu's kink at 0 must not fall between p - h and p + h.
            let err = TestSupport.maxGradientError(model, x, h: 1e-3)
            XCTAssertLessThan(err, tolerance, "activation \(f)")
        }
    }

    func testEveryLoss() throws {
        for loss in ReconstructionLoss.allCases {
            let model = try Autoencoder(spec: TestSupport.spec([6, 4], .tanh, output: .sigmoid, loss: loss), seed: 5)
            XCTAssertLessThan(TestSupport.maxGradientError(model, x), tolerance, "loss \(loss)")
        }
    }

    /// UFLDL's reconstruction term: 0.5 * per-sample sum of squares, averaged over the batch. Value and
    /// gradients are exactly `halfSumSquares`' divided by the batch size, and the term is mse's times
    /// inputSize / 2; with a sparsity penalty the gradient still matches finite differences.
    func testHalfSumSquaresPerSampleScale() throws {
        let perSample = try Autoencoder(spec: TestSupport.spec([6, 4], .sigmoid, loss: .halfSumSquaresPerSample), seed: 5)
        let summed = try Autoencoder(spec: TestSupport.spec([6, 4], .sigmoid, loss: .halfSumSquares), variables: perSample.variables)
        let mse = try Autoencoder(spec: TestSupport.spec([6, 4], .sigmoid, loss: .mse), variables: perSample.variables)
        let (a, ga) = TestSupport.lossAndGradients(perSample, x)
        let (b, gb) = TestSupport.lossAndGradients(summed, x)
        let (c, _) = TestSupport.lossAndGradients(mse, x)
        XCTAssertEqual(a.reconstruction, b.reconstruction / 7, accuracy: 1e-9 * b.reconstruction)
        XCTAssertEqual(a.reconstruction, c.reconstruction * 6 / 2, accuracy: 1e-6 * a.reconstruction)
        for (p, q) in zip(ga, gb) {
            for i in p.data.indices { XCTAssertEqual(p.data[i], q.data[i] / 7, accuracy: 1e-6 * Swift.max(1, Swift.abs(q.data[i]))) }
        }
        let reg = ModelSpec.Regularization(l2: 0.01, sparsity: .init(target: 0.1, weight: 3))
        let sparse = try Autoencoder(spec: TestSupport.spec([6, 5], .sigmoid, loss: .halfSumSquaresPerSample, regularization: reg), seed: 21)
        XCTAssertLessThan(TestSupport.maxGradientError(sparse, x, h: 1e-3), tolerance)
        // Evaluating all rows at once reports the per-sample mean, the same as the batch's value.
        let trainer = try Trainer(model: perSample, optimizer: OptimizerConfig.sgd(learningRate: 1).makeOptimizer(), batchSize: 7, seed: 0)
        XCTAssertEqual(try trainer.evaluate(x).terms.reconstruction, a.reconstruction, accuracy: 1e-6 * a.reconstruction)
    }

    func testL2AndL1Regularizers() throws {
        let reg = ModelSpec.Regularization(l2: 0.3, l1: 0.05)
        let model = try Autoencoder(spec: TestSupport.spec([6, 4], .softplus, regularization: reg), seed: 7)
        let (terms, _) = TestSupport.lossAndGradients(model, x)
        XCTAssertGreaterThan(terms.l2, 0); XCTAssertGreaterThan(terms.l1, 0)
        XCTAssertLessThan(TestSupport.maxGradientError(model, x, h: 1e-3), tolerance)
    }

    func testKLSparsityOnBatchMeanActivation() throws {
        let reg = ModelSpec.Regularization(sparsity: .init(target: 0.1, weight: 0.5))
        let model = try Autoencoder(spec: TestSupport.spec([6, 5], .sigmoid, regularization: reg), seed: 9)
        let (terms, _) = TestSupport.lossAndGradients(model, x)
        // The penalty equals the formula on the batch-mean activation, computed independently here.
        let codes = try model.encode(x)
        var expected = 0.0
        for j in 0..<5 {
            let q = (0..<7).map { Double(codes[$0, j]) }.reduce(0, +) / 7, r = 0.1
            expected += r * log(r / q) + (1 - r) * log((1 - r) / (1 - q))
        }
        XCTAssertEqual(terms.sparsity, 0.5 * expected, accuracy: 1e-5)
        XCTAssertLessThan(TestSupport.maxGradientError(model, x, h: 1e-3), tolerance)
    }

    func testTiedWeightsThreeLayerStack() throws {
        let model = try Autoencoder(spec: TestSupport.spec([6, 5, 3], .elu, output: .identity, tied: true), seed: 13)
        XCTAssertEqual(model.variableNames, ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "dense_2/bias", "dense_3/bias"])
        XCTAssertLessThan(TestSupport.maxGradientError(model, x), tolerance)
    }

    func testUntiedThreeLayerStackWithExplicitDecoder() throws {
        var spec = TestSupport.spec([6, 5, 4, 3], .tanh, output: .sigmoid)
        spec.decoder = [.init(units: 4, activation: .relu), .init(units: 5, activation: .softplus)]
        spec.regularization = .init(l2: 0.01)
        let model = try Autoencoder(spec: spec, seed: 17)
        XCTAssertEqual(model.layerCount, 6)
        XCTAssertLessThan(TestSupport.maxGradientError(model, x), tolerance)
    }

    func testVariationalAutoencoderWithFixedEps() throws {
        let spec = ModelSpec(inputSize: 6, encoder: [.init(units: 5, activation: .tanh), .init(units: 3, activation: .identity)],
                             outputActivation: .sigmoid, loss: .sigmoidCrossEntropy, variational: true, klWeight: 2)
        let model = try Autoencoder(spec: spec, seed: 19)
        XCTAssertTrue(model.variableNames.contains("z_mean/kernel"))
        XCTAssertTrue(model.variableNames.contains("z_log_var/bias"))
        let eps = TestSupport.randomMatrix(7, 3, seed: 23, low: -1.5, high: 1.5)
        let (terms, _) = TestSupport.lossAndGradients(model, x, eps: eps)
        XCTAssertGreaterThan(terms.kl, 0)
        XCTAssertLessThan(TestSupport.maxGradientError(model, x, eps: eps), tolerance)
        // Halved-sum loss too (the seed's VAE), whose KL is summed over the batch.
        var seedLike = spec
        seedLike.encoder = [.init(units: 3, activation: .identity)]
        seedLike.outputActivation = .identity
        seedLike.loss = .halfSumSquares
        seedLike.klWeight = 1
        XCTAssertLessThan(TestSupport.maxGradientError(try Autoencoder(spec: seedLike, seed: 29), x, eps: eps, h: 1e-3), tolerance)
    }
}
