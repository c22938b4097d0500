import Autoencoders
import Checkpoint
import Foundation
import Linalg

/// One training run from a spec and a recipe to checkpoints: what `aezoo train` and `zoo build` share.
///
/// It fits the recipe's normalization on the training data (or takes it from the checkpoint it
/// resumes), trains, saves through a `Saver` every `saveEverySteps` updates and at the end of every
/// epoch, and fits the code prior that `generate` samples from. A resumed run continues exactly:
/// same weights, optimizer slots, data order and noise as if it had never stopped.
///
/// ```swift
/// let run = try TrainingRun(spec: spec, recipe: recipe, rawTrain: images)
/// let result = try run.train(saver: try Saver(directory: "runs/a"), saveEverySteps: 500)
/// ```
public final class TrainingRun {
    public let spec: ModelSpec
    public let recipe: TrainingRecipe
    public let model: Autoencoder
    public let trainer: Trainer
    public let normalization: Normalization
    /// The training inputs after normalization (what the model sees).
    public let train: Matrix
    public var notes: [String: String] = [:]

    /// A fresh run.
    public init(spec: ModelSpec, recipe: TrainingRecipe, rawTrain: Matrix) throws {
        try spec.validate()
        try recipe.validate()
        guard rawTrain.cols == spec.inputSize else {
            throw AutoencoderError.invalidSpec("training rows have \(rawTrain.cols) values, the spec's inputSize is \(spec.inputSize)")
        }
        self.spec = spec
        self.recipe = recipe
        normalization = recipe.normalization == .standard ? .fitStandard(rawTrain) : .none
        var x = rawTrain
        normalization.apply(to: &x)
        train = x
        model = try Autoencoder(spec: spec, seed: recipe.seed)
        trainer = try Trainer(model: model, recipe: recipe)
    }

    /// Continues the run saved in `checkpoint`, on the same training data, optionally to more epochs.
    public init(resuming checkpoint: ModelCheckpoint, rawTrain: Matrix, epochs: Int? = nil) throws {
        guard var recipe = try checkpoint.recipe() else {
            throw CheckpointError.invalidMetadata(file: checkpoint.path, field: "training_recipe", reason: "missing, so the run cannot be resumed")
        }
        if let epochs { recipe.epochs = epochs }
        spec = checkpoint.spec
        self.recipe = recipe
        guard rawTrain.cols == spec.inputSize else {
            throw AutoencoderError.invalidSpec("training rows have \(rawTrain.cols) values, the checkpoint's model expects \(spec.inputSize)")
        }
        normalization = checkpoint.normalization
        var x = rawTrain
        normalization.apply(to: &x)
        train = x
        model = try checkpoint.makeModel()
        trainer = try checkpoint.makeTrainer(model: model, recipe: recipe)
        if let state = try checkpoint.trainingState(), state.sampleCount != 0, state.sampleCount != x.rows {
            throw CheckpointError.invalidMetadata(file: checkpoint.path, field: "training_state",
                reason: "the run trained on \(state.sampleCount) rows, this data has \(x.rows); resume needs the same training data")
        }
    }

    public struct Result {
        public var history: [EpochMetrics]
        public var codePrior: CodePrior
        /// The last checkpoint written, if a saver was given.
        public var lastCheckpoint: String?
        public var seconds: Double
    }

    /// Trains to `recipe.epochs` epochs in total. `onEpoch` sees each finished epoch. With a saver it
    /// saves every `saveEverySteps` updates (if given) and at the end of every `saveEveryEpochs`-th
    /// epoch (default every epoch); the last epoch is always saved.
    public func train(saver: Saver?, saveEverySteps: Int? = nil, saveEveryEpochs: Int = 1,
                      onEpoch: ((EpochMetrics) -> Void)? = nil) throws -> Result {
        let start = Date()
        var last: String?
        var prior = try CodePrior.fit(model: model, data: train)
        func save() throws {
            guard let saver else { return }
            let contents = try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe,
                                                        normalization: normalization, codePrior: prior, notes: notes)
            last = try saver.save(contents, step: Int64(trainer.state.step))
        }
        try trainer.fit(train, epochs: recipe.epochs) { event in
            switch event {
            case let .step(_, _, state):
                if let every = saveEverySteps, every > 0, state.step % every == 0, state.position != 0 { try save() }
            case let .epoch(metrics, state):
                onEpoch?(metrics)
                if saver != nil && (state.epoch % Swift.max(saveEveryEpochs, 1) == 0 || state.epoch >= self.recipe.epochs) {
                    prior = try CodePrior.fit(model: self.model, data: self.train)
                    try save()
                }
            }
            return .proceed
        }
        prior = try CodePrior.fit(model: model, data: train)
        if last == nil || saver == nil { try save() }
        return Result(history: trainer.state.history, codePrior: prior, lastCheckpoint: last, seconds: Date().timeIntervalSince(start))
    }

    /// The checkpoint contents of the run as it stands.
    public func contents(codePrior: CodePrior) throws -> CheckpointContents {
        try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe, normalization: normalization,
                                     codePrior: codePrior, notes: notes)
    }
}
