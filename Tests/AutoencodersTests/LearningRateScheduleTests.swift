import Foundation
import XCTest
import Linalg
@testable import Autoencoders

final class LearningRateScheduleTests: XCTestCase {
    func testMultipliersFollowTheirCurves() {
        let cosine = LearningRateSchedule.cosine(final: 0.1)
        XCTAssertEqual(cosine.multiplier(step: 0, stepsPerEpoch: 10, epochs: 4), 1)
        XCTAssertEqual(cosine.multiplier(step: 20, stepsPerEpoch: 10, epochs: 4), 0.55, accuracy: 1e-6)
        XCTAssertEqual(cosine.multiplier(step: 40, stepsPerEpoch: 10, epochs: 4), 0.1, accuracy: 1e-6)
        XCTAssertEqual(cosine.multiplier(step: 55, stepsPerEpoch: 10, epochs: 4), 0.1, accuracy: 1e-6, "past the horizon it stays at final")
        let steps = (0..<40).map { cosine.multiplier(step: $0, stepsPerEpoch: 10, epochs: 4) }
        XCTAssertEqual(steps, steps.sorted(by: >), "cosine decays monotonically")

        let step = LearningRateSchedule.step(everyEpochs: 2, factor: 0.5)
        XCTAssertEqual(step.multiplier(step: 19, stepsPerEpoch: 10, epochs: 9), 1)
        XCTAssertEqual(step.multiplier(step: 20, stepsPerEpoch: 10, epochs: 9), 0.5)
        XCTAssertEqual(step.multiplier(step: 45, stepsPerEpoch: 10, epochs: 9), 0.25)
        XCTAssertEqual(LearningRateSchedule.constant.multiplier(step: 1000, stepsPerEpoch: 10, epochs: 1), 1)
    }

    func testRecipeJSONRoundTripAndRefusals() throws {
        for schedule in [LearningRateSchedule.constant, .cosine(final: 0.05), .step(everyEpochs: 3, factor: 0.3)] {
            let recipe = TrainingRecipe(epochs: 7, batchSize: 16, optimizer: .adam(), seed: 2, schedule: schedule)
            let back = try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(recipe))
            XCTAssertEqual(back, recipe)
        }
        // Without a schedule the JSON has no such key: recipes (and the checkpoints that embed them)
        // written before schedules existed encode to the same bytes.
        let plain = TrainingRecipe(epochs: 7, batchSize: 16, optimizer: .adam())
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        XCTAssertFalse(json.contains("schedule"), json)
        XCTAssertEqual(try JSONDecoder().decode(TrainingRecipe.self, from: Data(#"{"epochs": 1, "batchSize": 2, "optimizer": {"kind": "sgd", "learningRate": 0.1}, "schedule": {"kind": "cosine"}}"#.utf8)).schedule,
                       .cosine(final: 0))
        for bad in [LearningRateSchedule.cosine(final: 1.5), .cosine(final: -0.1), .step(everyEpochs: 0, factor: 0.5), .step(everyEpochs: 1, factor: 0)] {
            XCTAssertThrowsError(try TrainingRecipe(epochs: 1, batchSize: 1, optimizer: .adam(), schedule: bad).validate(), "\(bad)") { error in
                XCTAssertTrue("\(error)".contains("schedule"), "\(error)")
            }
        }
        XCTAssertThrowsError(try JSONDecoder().decode(LearningRateSchedule.self, from: Data(#"{"kind": "linear"}"#.utf8)))
    }

    /// SGD makes the rate visible: with a step schedule halving every epoch, each update is the
    /// plain SGD update at the halved rate.
    func testTheTrainerAppliesTheRateBeforeEachUpdate() throws {
        let data = TestSupport.randomMatrix(8, 6, seed: 1)
        let spec = TestSupport.spec([6, 3], .tanh)
        let recipe = TrainingRecipe(epochs: 3, batchSize: 8, optimizer: .sgd(learningRate: 0.5), seed: 4, shuffle: false,
                                    schedule: .step(everyEpochs: 1, factor: 0.5))
        let scheduled = try Trainer(model: Autoencoder(spec: spec, seed: 9), recipe: recipe)
        try scheduled.fit(data, epochs: 3)
        XCTAssertEqual(scheduled.optimizer.config.learningRate, 0.125, "the third update ran at 0.5 * 0.5^2")
        XCTAssertEqual(scheduled.currentLearningRate, 0.5 * 0.125)

        let manual = try Trainer(model: Autoencoder(spec: spec, seed: 9), optimizer: OptimizerConfig.sgd(learningRate: 0.5).makeOptimizer(),
                                 batchSize: 8, seed: 4, shuffle: false)
        for rate: Float in [0.5, 0.25, 0.125] {
            manual.optimizer.config.learningRate = rate
            try manual.partialFit(data)
        }
        XCTAssertEqual(scheduled.model.variables, manual.model.variables)

        let constant = try Trainer(model: Autoencoder(spec: spec, seed: 9), recipe: { var r = recipe; r.schedule = nil; return r }())
        try constant.fit(data, epochs: 3)
        XCTAssertNotEqual(constant.model.variables, scheduled.model.variables, "the schedule must change the run")
    }

    /// A scheduled run stopped mid-epoch and resumed from its exports continues on the same curve.
    func testResumeWithAScheduleIsBitIdentical() throws {
        let data = TestSupport.randomMatrix(53, 12, seed: 99)
        let spec = TestSupport.spec([12, 6], .sigmoid, regularization: .init(sparsity: .init(target: 0.1, weight: 0.2)))
        let recipe = TrainingRecipe(epochs: 3, batchSize: 8, optimizer: .adam(learningRate: 0.01), seed: 4, schedule: .cosine(final: 0.01))
        let straight = try Trainer(model: Autoencoder(spec: spec, seed: 4), recipe: recipe)
        try straight.train(data, steps: 17)
        let first = try Trainer(model: Autoencoder(spec: spec, seed: 4), recipe: recipe)
        try first.train(data, steps: 9)
        let resumed = try Trainer(model: Autoencoder(spec: spec, variables: first.model.variables), recipe: recipe)
        try resumed.restore(state: first.state, optimizerState: first.optimizerState)
        try resumed.train(data, steps: 8)
        XCTAssertEqual(resumed.model.variables, straight.model.variables)
        XCTAssertEqual(resumed.optimizerState, straight.optimizerState)
        XCTAssertEqual(resumed.optimizer.config.learningRate, straight.optimizer.config.learningRate)
        XCTAssertLessThan(straight.optimizer.config.learningRate, 0.01)
    }
}
