import Foundation
import XCTest
import Linalg
@testable import Autoencoders

/// Training on several cores: a batch split into shards that run in parallel, their gradients
/// summed over parameter chunks. The results depend on the recipe's shard count, never on the
/// number of threads, and every sharded gradient is the batch's gradient.
final class ShardedTrainingTests: XCTestCase {
    /// 53 rows with batch 8: every epoch ends with a short batch of 5.
    let data = TestSupport.randomMatrix(53, 12, seed: 99)

    func specs() -> [(ModelSpec, OptimizerConfig)] {
        var sparse = TestSupport.spec([12, 6], .sigmoid, output: .sigmoid,
                                      regularization: .init(l2: 1e-3, sparsity: .init(target: 0.1, weight: 0.2)))
        sparse.corruption = .masking(probability: 0.2)
        let vae = ModelSpec(inputSize: 12, encoder: [.init(units: 8, activation: .elu), .init(units: 3, activation: .identity)],
                            outputActivation: .sigmoid, loss: .sigmoidCrossEntropy, variational: true)
        var tied = TestSupport.spec([12, 7, 4], .elu, output: .identity, tied: true, regularization: .init(l2: 5e-3))
        tied.corruption = .gaussian(sigma: 0.1)
        let softplus = TestSupport.spec([12, 9], .softplus, output: .softplus, loss: .halfSumSquares, regularization: .init(l1: 1e-3))
        return [(sparse, .adam(learningRate: 0.01)), (vae, .adam(learningRate: 0.01)), (tied, .rmsprop(learningRate: 0.01, momentum: 0.5)),
                (softplus, .momentum(learningRate: 0.01))]
    }

    func train(_ spec: ModelSpec, _ optimizer: OptimizerConfig, shards: Int, threads: Int, steps: Int = 17) throws -> Trainer {
        let trainer = try Trainer(model: Autoencoder(spec: spec, seed: 4), optimizer: optimizer.makeOptimizer(), batchSize: 8, seed: 4,
                                  shards: shards, pool: ComputePool(threads: threads))
        try trainer.train(data, steps: steps)
        return trainer
    }

    /// Same seed and shard count: the same bits with 1, 2 or 3 threads (fewer threads than shards
    /// run shards one after another; more leave threads idle).
    func testShardedRunsAreBitIdenticalWhateverTheThreadCount() throws {
        for (spec, optimizer) in specs() {
            for shards in [2, 3] {
                let one = try train(spec, optimizer, shards: shards, threads: 1)
                for threads in [2, 3] {
                    let other = try train(spec, optimizer, shards: shards, threads: threads)
                    let label = "\(spec.encoder.map(\.units)) \(optimizer.kind) shards \(shards), threads \(threads)"
                    XCTAssertEqual(other.model.variables, one.model.variables, label)
                    XCTAssertEqual(other.optimizerState, one.optimizerState, label)
                    XCTAssertEqual(other.state, one.state, label)
                }
            }
        }
    }

    /// The shard count changes only how float32 sums are grouped: after one step from the same
    /// start, 1, 2 and 4 shards agree closely but (being a different computation) not bit for bit.
    func testShardCountChangesOnlyTheGroupingOfSums() throws {
        let (spec, optimizer) = specs()[0]
        let runs = try [1, 2, 4].map { try train(spec, optimizer, shards: $0, threads: 2, steps: 1) }
        let reference = runs[0].model.variables
        for run in runs.dropFirst() {
            for name in reference.names {
                let a = reference[name]!.floats, b = run.model.variables[name]!.floats
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-4, "\(name), \(run.shards) shards") }
            }
            XCTAssertEqual(run.state.history.count, 0)
        }
    }

    /// The trainer's gradient (shards, chunked reduction, penalties added once) against central
    /// finite differences of the whole batch's loss, for 1, 2, 3 and 7 shards (7 rows: one per shard).
    func testShardedGradientsMatchFiniteDifferences() throws {
        let x = TestSupport.randomMatrix(7, 6, seed: 11)
        var sparse = TestSupport.spec([6, 5], .sigmoid, regularization: .init(l2: 0.3, l1: 0.05, sparsity: .init(target: 0.1, weight: 0.5)))
        sparse.loss = .mse
        let cases: [(ModelSpec, Float)] = [
            (sparse, 1e-3),
            (TestSupport.spec([6, 5, 3], .elu, output: .identity, tied: true, regularization: .init(l2: 0.1)), 1e-2),
            (TestSupport.spec([6, 4], .softplus, output: .softplus, loss: .halfSumSquares), 1e-3),
            (TestSupport.spec([6, 4], .tanh, output: .sigmoid, loss: .sigmoidCrossEntropy), 1e-2),
        ]
        for (spec, h) in cases {
            for shards in [1, 2, 3, 7] {
                let model = try Autoencoder(spec: spec, seed: 3)
                let trainer = try Trainer(model: model, optimizer: SGD(config: .sgd(learningRate: 0.1)), batchSize: 7, seed: 1,
                                          shards: shards, pool: ComputePool(threads: 2))
                let (terms, analytic) = trainer.batchGradients(x)
                let (reference, _) = TestSupport.lossAndGradients(model, x)
                XCTAssertEqual(terms.total, reference.total, accuracy: 1e-5 * Swift.max(1, Swift.abs(reference.total)), "\(spec.loss) shards \(shards)")
                let err = TestSupport.maxGradientError(model, x, analytic: analytic, h: h)
                XCTAssertLessThan(err, 2e-2, "\(spec.encoder.map(\.units)) \(spec.loss), \(shards) shards")
            }
        }
    }

    /// A diverging sharded step throws naming epoch and step, and leaves the weights, the
    /// optimizer's state and the gradient buffers as they were.
    func testNonFiniteGradientsStopBeforeTheUpdate() throws {
        let spec = TestSupport.spec([12, 6], .identity, output: .identity, loss: .halfSumSquares)
        let trainer = try Trainer(model: Autoencoder(spec: spec, seed: 1), optimizer: Adam(config: .adam(learningRate: 1)),
                                  batchSize: 53, seed: 1, shards: 3, pool: ComputePool(threads: 2))
        try trainer.partialFit(data)
        trainer.model.parameters[0].data[5] = .infinity
        let before = trainer.model.variables, slots = trainer.optimizerState
        XCTAssertThrowsError(try trainer.partialFit(data)) { error in
            guard case .nonFinite(let epoch, let step, _, _)? = error as? TrainingError else { return XCTFail("\(error)") }
            XCTAssertEqual(epoch, 0); XCTAssertEqual(step, 1)
        }
        XCTAssertEqual(trainer.model.variables, before)
        XCTAssertEqual(trainer.optimizerState, slots)

        // The failed step leaves no trace in the gradient buffers (sgemm adds to them): with the
        // weight put back, the next step is the step a run that never failed takes.
        let clean = try Trainer(model: Autoencoder(spec: spec, seed: 1), optimizer: Adam(config: .adam(learningRate: 1)),
                                batchSize: 53, seed: 1, shards: 3, pool: ComputePool(threads: 2))
        try clean.partialFit(data)
        trainer.model.parameters[0].data[5] = clean.model.parameters[0].data[5]
        try trainer.partialFit(data)
        try clean.partialFit(data)
        XCTAssertEqual(trainer.model.variables, clean.model.variables)
        XCTAssertEqual(trainer.optimizerState, clean.optimizerState)
    }

    /// The fused output kernel (bias, activation, loss in one pass over the output product) reports
    /// the loss of the reconstruction `reconstruct` returns, for every output activation and loss.
    func testFusedOutputLossMatchesTheReconstruction() throws {
        let x = TestSupport.randomMatrix(9, 6, seed: 21)
        for loss in ReconstructionLoss.allCases {
            for f in loss == .sigmoidCrossEntropy ? [Activation.sigmoid] : Activation.allCases {
                let model = try Autoencoder(spec: TestSupport.spec([6, 4], .tanh, output: f, loss: loss), seed: 2)
                let trainer = try Trainer(model: model, optimizer: SGD(config: .sgd(learningRate: 0.1)), batchSize: 9, seed: 1)
                let a = try model.reconstruct(x)
                var expected = 0.0
                for i in a.data.indices {
                    let p = Double(a.data[i]), t = Double(x.data[i])
                    switch loss {
                    case .mse: expected += (p - t) * (p - t) / Double(a.count)
                    case .halfSumSquares: expected += 0.5 * (p - t) * (p - t)
                    case .halfSumSquaresPerSample: expected += 0.5 * (p - t) * (p - t) / Double(a.rows)
                    case .sigmoidCrossEntropy: expected -= (t * log(p) + (1 - t) * log(1 - p)) / Double(a.count)
                    }
                }
                let (training, _) = trainer.batchGradients(x)
                let evaluated = try trainer.evaluate(x).terms
                XCTAssertEqual(training.reconstruction, expected, accuracy: 1e-5 * Swift.max(1, expected), "\(loss) \(f) (training)")
                XCTAssertEqual(evaluated.reconstruction, expected, accuracy: 1e-5 * Swift.max(1, expected), "\(loss) \(f) (evaluate)")
            }
        }
    }

    func testRecipeCarriesAndValidatesShards() throws {
        var recipe = TrainingRecipe(epochs: 1, batchSize: 8, optimizer: .adam())
        XCTAssertEqual(recipe.shards, TrainingRecipe.defaultShards)
        recipe.shards = 3
        let json = try JSONEncoder().encode(recipe)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"shards\":3"))
        XCTAssertEqual(try JSONDecoder().decode(TrainingRecipe.self, from: json), recipe)
        let old = Data(#"{"epochs": 1, "batchSize": 8, "optimizer": {"kind": "adam", "learningRate": 0.001}}"#.utf8)
        XCTAssertEqual(try JSONDecoder().decode(TrainingRecipe.self, from: old).shards, TrainingRecipe.defaultShards)
        for bad in [0, -1, TrainingRecipe.maximumShards + 1] {
            recipe.shards = bad
            XCTAssertThrowsError(try recipe.validate()) { XCTAssertTrue("\($0)".contains("shards"), "\($0)") }
            XCTAssertThrowsError(try Trainer(model: Autoencoder(spec: TestSupport.spec([12, 6], .tanh), seed: 1), recipe: recipe))
        }
    }
}
