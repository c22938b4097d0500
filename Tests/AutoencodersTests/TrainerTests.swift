import Foundation
import XCTest
import Linalg
@testable import Autoencoders

final class TrainerTests: XCTestCase {
    /// 53 rows with batch 8: every epoch ends with a short batch of 5.
    let data = TestSupport.randomMatrix(53, 12, seed: 99)

    func denoisingSparseSpec() -> ModelSpec {
        var spec = TestSupport.spec([12, 6], .sigmoid, output: .sigmoid,
                                    regularization: .init(l2: 1e-3, sparsity: .init(target: 0.1, weight: 0.2)))
        spec.corruption = .gaussian(sigma: 0.1)
        return spec
    }

    func vaeSpec() -> ModelSpec {
        ModelSpec(inputSize: 12, encoder: [.init(units: 8, activation: .elu), .init(units: 3, activation: .identity)],
                  outputActivation: .sigmoid, loss: .sigmoidCrossEntropy, variational: true)
    }

    func makeTrainer(_ spec: ModelSpec, optimizer: OptimizerConfig = .adam(learningRate: 0.01), seed: UInt64 = 4) throws -> Trainer {
        try Trainer(model: Autoencoder(spec: spec, seed: seed), optimizer: optimizer.makeOptimizer(), batchSize: 8, seed: seed)
    }

    func testSameSeedGivesIdenticalWeightsAndHistory() throws {
        for spec in [denoisingSparseSpec(), vaeSpec()] {
            let a = try makeTrainer(spec), b = try makeTrainer(spec)
            try a.fit(data, epochs: 3); try b.fit(data, epochs: 3)
            XCTAssertEqual(a.model.variables, b.model.variables)
            XCTAssertEqual(a.state, b.state)
            let c = try makeTrainer(spec, seed: 5)
            try c.fit(data, epochs: 3)
            XCTAssertNotEqual(a.model.variables, c.model.variables, "a different seed must give different weights")
        }
    }

    /// N + M steps in one run == N steps, export everything, rebuild from the exports, M steps.
    func testResumeIsBitIdentical() throws {
        let specs = [denoisingSparseSpec(), vaeSpec(), TestSupport.spec([12, 6, 4], .elu, output: .identity, tied: true)]
        let optimizers: [OptimizerConfig] = [.adam(learningRate: 0.01), .rmsprop(learningRate: 0.01, momentum: 0.5), .momentum(learningRate: 0.05)]
        for (spec, opt) in zip(specs, optimizers) {
            let straight = try makeTrainer(spec, optimizer: opt)
            try straight.train(data, steps: 17)   // 2 epochs (7 steps each) + 3 steps into the third

            let first = try makeTrainer(spec, optimizer: opt)
            try first.train(data, steps: 9)       // stops mid-epoch 2
            let variables = first.model.variables, slots = first.optimizerState
            let json = try JSONEncoder().encode(first.state)
            XCTAssertEqual(slots["global_step"]?.ints, [9])

            let model = try Autoencoder(spec: spec, variables: variables)
            let resumed = try Trainer(model: model, optimizer: opt.makeOptimizer(), batchSize: 8, seed: 12345)
            try resumed.restore(state: JSONDecoder().decode(TrainingState.self, from: json), optimizerState: slots)
            try resumed.train(data, steps: 8)

            XCTAssertEqual(resumed.model.variables, straight.model.variables, "\(opt.kind): variables")
            XCTAssertEqual(resumed.optimizerState, straight.optimizerState, "\(opt.kind): optimizer slots")
            XCTAssertEqual(resumed.state, straight.state, "\(opt.kind): history, RNG and position")
        }
    }

    func testEpochMetricsReportEachTermAndFitStopsAtTotalEpochs() throws {
        let trainer = try makeTrainer(denoisingSparseSpec())
        var epochEvents = 0, stepEvents = 0
        let history = try trainer.fit(data, epochs: 4) { event in
            switch event { case .epoch: epochEvents += 1; case .step: stepEvents += 1 }
            return .proceed
        }
        XCTAssertEqual(history.count, 4); XCTAssertEqual(epochEvents, 4); XCTAssertEqual(stepEvents, 28)
        XCTAssertEqual(trainer.state.step, 28)
        for m in history {
            XCTAssertEqual(m.samples, 53); XCTAssertEqual(m.steps, 7)
            XCTAssertGreaterThan(m.terms.reconstruction, 0); XCTAssertGreaterThan(m.terms.sparsity, 0)
            XCTAssertGreaterThan(m.terms.l2, 0); XCTAssertEqual(m.terms.kl, 0)
        }
        XCTAssertLessThan(history[3].terms.reconstruction, history[0].terms.reconstruction, "training must reduce the loss")
        try trainer.fit(data, epochs: 4)
        XCTAssertEqual(trainer.state.step, 28, "fit(epochs:) counts total epochs: nothing left to do")
    }

    func testCallbackCanStop() throws {
        let trainer = try makeTrainer(vaeSpec())
        try trainer.fit(data, epochs: 10) { event in
            if case .step(_, _, let state) = event, state.step == 3 { return .stop }
            return .proceed
        }
        XCTAssertEqual(trainer.state.step, 3)
    }

    func testDivergenceThrowsAndDoesNotApplyTheUpdate() throws {
        let spec = TestSupport.spec([12, 6], .identity, output: .identity, loss: .halfSumSquares)
        let trainer = try Trainer(model: Autoencoder(spec: spec, seed: 1), optimizer: SGD(config: .sgd(learningRate: 50)),
                                  batchSize: 53, seed: 1)
        var before = trainer.model.variables
        var thrown: Error?
        for _ in 0..<50 {
            do { before = trainer.model.variables; try trainer.partialFit(data) } catch { thrown = error; break }
        }
        guard case .nonFinite? = thrown as? TrainingError else { return XCTFail("expected nonFinite, got \(String(describing: thrown))") }
        XCTAssertEqual(trainer.model.variables, before, "the diverging update must not be applied")
        XCTAssertTrue(String(describing: thrown!).contains("learning rate"))
    }

    func testEncodeAndReconstructAreDeterministicEvenWithNoise() throws {
        let trainer = try makeTrainer(denoisingSparseSpec())
        try trainer.fit(data, epochs: 1)
        let m = trainer.model
        XCTAssertEqual(try m.encode(data), try m.encode(data))
        XCTAssertEqual(try m.reconstruct(data), try m.decode(m.encode(data)))
        // Chunking does not change results: row i alone equals row i of the batch.
        XCTAssertEqual(try m.encode(data.rows(5..<6)).data, try m.encode(data).row(5))
        let vae = try Autoencoder(spec: vaeSpec(), seed: 2)
        XCTAssertEqual(try vae.encode(data), try vae.encode(data))
    }

    func testTotalCostMatchesHandComputedMSE() throws {
        let model = try Autoencoder(spec: TestSupport.spec([12, 5], .tanh, output: .sigmoid), seed: 8)
        let trainer = try Trainer(model: model, optimizer: SGD(config: .sgd(learningRate: 0.1)), batchSize: 8, seed: 0)
        let expected = try model.reconstruct(data).meanSquaredError(to: data)
        XCTAssertEqual(try trainer.totalCost(data), expected, accuracy: 1e-7)
        let big = Matrix.vstack(Array(repeating: data, count: 12))    // 636 rows: more than one inference chunk
        XCTAssertEqual(try trainer.evaluate(big).meanSquaredError, expected, accuracy: 1e-7)
    }

    func testBadInputsGiveTypedErrors() throws {
        let trainer = try makeTrainer(vaeSpec())
        XCTAssertThrowsError(try trainer.fit(Matrix(rows: 4, cols: 11), epochs: 1)) { e in
            XCTAssertEqual(e as? AutoencoderError, .inputWidth(expected: 12, found: 11, context: "training data"))
        }
        var bad = data; bad[0, 0] = .nan
        XCTAssertThrowsError(try trainer.fit(bad, epochs: 1)) { e in
            XCTAssertEqual(e as? TrainingError, .nonFiniteData(context: "training data"))
        }
        try trainer.train(data, steps: 2)
        XCTAssertThrowsError(try trainer.fit(data.rows(0..<40), epochs: 1)) { e in
            XCTAssertEqual(e as? TrainingError, .datasetChanged(expectedRows: 53, foundRows: 40))
        }
        XCTAssertThrowsError(try Trainer(model: trainer.model, optimizer: Adam(config: .adam()), batchSize: 0, seed: 0))
    }
}
