import Autoencoders
import Foundation
import Linalg

/// The bridge between a checkpoint file and the model layer: what `aezoo train` saves and what
/// every command that takes a MODEL restores. (Written by the lead; the file format itself lives
/// in CheckpointWriter/CheckpointReader.)
///
/// ```swift
/// // Save a training run:
/// let contents = try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe,
///                                             normalization: norm, codePrior: prior)
/// try saver.save(contents, step: Int64(trainer.state.step))
/// // Restore it anywhere:
/// let checkpoint = try ModelCheckpoint(path: "runs/mine")      // a file or a directory
/// let model = try checkpoint.makeModel()
/// ```
public struct ModelCheckpoint: Sendable {
    /// The file read (a directory resolves to its latest checkpoint).
    public let path: String
    /// The file's metadata, except `codePrior`, which `codePrior()` reads when it is needed.
    public let metadata: CheckpointMetadata
    public let spec: ModelSpec
    /// The model's own variables (weights and biases) that were read: all of them, or the
    /// encoder's (`Part.encoder`). Each is verified against its checksum unless the caller checks
    /// the whole file.
    public let modelVariables: VariableStore
    /// Which of the model's variables were read.
    public let part: Part

    /// How much of the model to read.
    public enum Part: Sendable, Equatable {
        /// Every weight and bias (what `makeModel` needs).
        case model
        /// The encoder's weights and biases only (`ParallelEncoder.variableNames(for:)`): enough
        /// for `makeEncoder`, half the reading for a model whose decoder mirrors its encoder.
        case encoder
    }
    /// Every variable name in the file, model and optimizer state alike.
    public let variableNames: [String]

    /// Reads the checkpoint at `path` (a file, or a directory with a `checkpoint` state file).
    /// Only the metadata and the model's variables are read: using a model never pays for its
    /// optimizer slots (two thirds of an Adam checkpoint); `makeTrainer` reads them when resuming.
    /// Each variable is checked against its recorded SHA-256, unless `digests` is
    /// `.wholeFileCheckedByCaller` (then the caller must verify the file before using the model).
    public init(path: String, digests: CheckpointReader.DigestCheck = .recorded, part: Part = .model) throws {
        let file = try Saver.resolveCheckpoint(path)
        let reader = try CheckpointReader(path: file, codePrior: false)
        defer { try? reader.close() }
        self.path = file
        metadata = reader.metadata
        variableNames = reader.variableNames
        spec = try Self.spec(from: reader.metadata, path: file)
        self.part = part
        let names = part == .model ? spec.variableLayout.map(\.name) : ParallelEncoder.variableNames(for: spec)
        for name in names where !reader.variableNames.contains(name) {
            throw CheckpointError.missingVariable(file: file, name: name)
        }
        modelVariables = try reader.readVariables(names, digests: digests)
    }

    static func spec(from metadata: CheckpointMetadata, path: String) throws -> ModelSpec {
        guard let spec = try decode(ModelSpec.self, metadata, \.modelSpecJSON, path: path, field: "model_spec") else {
            throw CheckpointError.invalidMetadata(file: path, field: "model_spec", reason: "missing, so the architecture is unknown")
        }
        return spec
    }

    /// Every variable, optimizer state included (reads the file again).
    public func allVariables() throws -> VariableStore {
        try CheckpointReader(path: path).readAll()
    }

    public var normalization: Normalization { metadata.normalization }

    /// The recipe the run was trained with, if recorded.
    public func recipe() throws -> TrainingRecipe? {
        try Self.decode(TrainingRecipe.self, metadata, \.trainingRecipeJSON, path: path, field: "training_recipe")
    }

    /// The training state (epoch, step, data-order position, RNG), if recorded.
    public func trainingState() throws -> TrainingState? {
        try Self.decode(TrainingState.self, metadata, \.trainingStateJSON, path: path, field: "training_state")
    }

    /// Per-epoch metrics so far (empty if none were recorded).
    public func history() throws -> [EpochMetrics] {
        try Self.decode([EpochMetrics].self, metadata, \.metricsHistoryJSON, path: path, field: "metrics_history") ?? []
    }

    /// The distribution `generate` samples codes from: N(0, I) for a VAE, the stored Gaussian
    /// otherwise, or N(0, I) when the checkpoint has none.
    public func codePrior() throws -> Autoencoders.CodePrior {
        if spec.variational { return .standardNormal(dimension: spec.codeSize) }
        let reader = try CheckpointReader(path: path, codePrior: false)
        defer { try? reader.close() }
        guard let stored = try reader.readCodePrior() else { return .standardNormal(dimension: spec.codeSize) }
        guard stored.dimension == spec.codeSize else {
            throw CheckpointError.invalidMetadata(file: path, field: "code_prior", reason: "dimension \(stored.dimension), but the code has \(spec.codeSize) units")
        }
        return .gaussian(mean: stored.mean, choleskyFactor: stored.choleskyFactor)
    }

    /// The model with its weights restored (optimizer slots are ignored). Needs `Part.model`.
    public func makeModel() throws -> Autoencoder {
        guard part == .model else { throw CheckpointError.invalidArgument("\(path): only the encoder's variables were read; cannot build the whole model") }
        do { return try Autoencoder(spec: spec, variables: modelVariables) } catch { throw CheckpointError.invalidMetadata(file: path, field: "variables", reason: "\(error)") }
    }

    /// An encoder that runs on every core (`ParallelEncoder`), from either part.
    public func makeEncoder(pool: ComputePool? = nil) throws -> ParallelEncoder {
        if part == .model { return ParallelEncoder(model: try makeModel(), pool: pool) }
        do { return try ParallelEncoder(spec: spec, encoderVariables: modelVariables, pool: pool) } catch {
            throw CheckpointError.invalidMetadata(file: path, field: "variables", reason: "\(error)")
        }
    }

    /// A trainer that continues this run exactly: optimizer slots, global step, RNG and data order.
    public func makeTrainer(model: Autoencoder, recipe: TrainingRecipe) throws -> Trainer {
        let trainer = try Trainer(model: model, recipe: recipe)
        guard let state = try trainingState() else { return trainer }
        let modelNames = Set(spec.variableLayout.map(\.name))
        let reader = try CheckpointReader(path: path)
        defer { try? reader.close() }
        let slots = try reader.readVariables(reader.variableNames.filter { !modelNames.contains($0) })
        try trainer.restore(state: state, optimizerState: slots)
        return trainer
    }

    /// Everything a training checkpoint holds: the model's variables, the optimizer's slots and
    /// scalars under TF names, and the metadata to resume and to use the model.
    public static func contents(model: Autoencoder, trainer: Trainer?, recipe: TrainingRecipe?,
                                normalization: Normalization, codePrior: Autoencoders.CodePrior?,
                                notes: [String: String] = [:]) throws -> CheckpointContents {
        var variables = model.variables
        if let trainer { for (name, tensor) in trainer.optimizerState { variables[name] = tensor } }
        var metadata = CheckpointMetadata()
        try metadata.setJSON(model.spec, for: \.modelSpecJSON)
        try metadata.setJSON(recipe, for: \.trainingRecipeJSON)
        if let trainer {
            try metadata.setJSON(trainer.state, for: \.trainingStateJSON)
            try metadata.setJSON(trainer.state.history, for: \.metricsHistoryJSON)
            metadata.globalStep = Int64(trainer.state.step)
        }
        metadata.normalization = normalization
        if let prior = codePrior, prior.kind == .gaussian {
            metadata.codePrior = .init(mean: prior.mean, choleskyFactor: prior.choleskyFactor)
        }
        metadata.notes = notes
        return CheckpointContents(variables: variables, metadata: metadata)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ metadata: CheckpointMetadata, _ field: KeyPath<CheckpointMetadata, String?>,
                                     path: String, field name: String) throws -> T? {
        do { return try metadata.decodeJSON(type, from: field) } catch {
            throw CheckpointError.invalidMetadata(file: path, field: name, reason: "\(error)")
        }
    }
}
