import ArgumentParser
import Autoencoders
import Checkpoint
import Datasets
import Foundation
import Linalg
import Zoo

/// A training job as a file: the architecture and how to train it.
struct TrainingJob: Codable {
    var spec: ModelSpec
    var recipe: TrainingRecipe
}

extension Activation: ExpressibleByArgument {}
extension ReconstructionLoss: ExpressibleByArgument {}
extension OptimizerConfig.Kind: ExpressibleByArgument {}
extension TrainingRecipe.NormalizationChoice: ExpressibleByArgument {}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an autoencoder and save TensorFlow-style checkpoints.",
        discussion: """
        The model and recipe come from a JSON file ({"spec": ModelSpec, "recipe": TrainingRecipe}, see \
        docs/MODELS.md and the zoo registry for examples) or from flags; flags override the file. \
        Checkpoints go to --checkpoint-dir as model.ckpt-<step>.h5 with a TensorFlow 'checkpoint' \
        state file, every --save-every steps and at the end of every --save-every-epochs-th epoch (and the \
        last), keeping --max-to-keep. \
        --resume continues the latest checkpoint in the directory exactly (same weights, Adam \
        slots, data order and noise as an uninterrupted run).

        Examples:
          aezoo train -i train-images-idx3-ubyte.gz --layers 200 --activation softplus --output-activation identity \\
                      --loss halfSumSquares --normalization standard --epochs 20 --checkpoint-dir runs/basic
          aezoo train --recipe job.json -i train-images-idx3-ubyte.gz --checkpoint-dir runs/sparse
          aezoo train --resume --checkpoint-dir runs/sparse -i train-images-idx3-ubyte.gz --epochs 30
        """)

    @Option(help: ArgumentHelp("A JSON training job: {\"spec\": ..., \"recipe\": ...}.", valueName: "file"))
    var recipe: String?

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Where checkpoints go.", valueName: "dir"))
    var checkpointDir: String

    @Flag(help: "Continue the latest checkpoint in --checkpoint-dir.")
    var resume = false

    @Option(help: ArgumentHelp("Also save every n optimizer steps (0: only at epoch ends).", valueName: "n"))
    var saveEvery = 0

    @Option(help: ArgumentHelp("Save at the end of every n-th epoch (the last epoch is always saved).", valueName: "n"))
    var saveEveryEpochs = 1

    @Option(help: ArgumentHelp("Checkpoints kept (older ones are deleted; 0 keeps all).", valueName: "n"))
    var maxToKeep = 5

    // Architecture flags (used when there is no --recipe, or to override it).
    @Option(help: ArgumentHelp("Encoder layer widths, the code last, e.g. 300,150.", valueName: "list"))
    var layers: String?
    @Option(help: ArgumentHelp("Hidden activation: sigmoid, tanh, relu, elu, softplus, identity.", valueName: "name"))
    var activation: Activation?
    @Option(help: ArgumentHelp("Output activation.", valueName: "name"))
    var outputActivation: Activation?
    @Option(help: ArgumentHelp("Loss: mse, halfSumSquares, halfSumSquaresPerSample, sigmoidCrossEntropy.", valueName: "name"))
    var loss: ReconstructionLoss?
    @Flag(help: "Tie decoder kernels to the transposed encoder kernels.")
    var tied = false
    @Option(help: ArgumentHelp("L2 weight decay scale (TF l2_regularizer: scale * sum(w^2) / 2).", valueName: "x"))
    var l2: Float?
    @Option(help: ArgumentHelp("KL sparsity target rho on the code's mean activation.", valueName: "rho"))
    var sparsityTarget: Float?
    @Option(help: ArgumentHelp("KL sparsity weight beta.", valueName: "x"))
    var sparsityWeight: Float?
    @Option(help: ArgumentHelp("Training noise: gaussian:SIGMA or masking:P.", valueName: "kind:x"))
    var noise: String?
    @Flag(help: "A variational autoencoder (the last layer width is the code size).")
    var variational = false

    // Recipe flags.
    @Option(help: ArgumentHelp("Epochs in total.", valueName: "n")) var epochs: Int?
    @Option(help: ArgumentHelp("Mini-batch size.", valueName: "n")) var batchSize: Int?
    @Option(help: ArgumentHelp("Optimizer: adam, sgd, momentum, rmsprop, adagrad.", valueName: "name")) var optimizer: OptimizerConfig.Kind?
    @Option(help: ArgumentHelp("Learning rate.", valueName: "x")) var learningRate: Float?
    @Option(help: ArgumentHelp("Seed for initialisation, shuffling and noise.", valueName: "n")) var seed: UInt64?
    @Option(help: ArgumentHelp("Input normalization: none or standard.", valueName: "kind")) var normalization: TrainingRecipe.NormalizationChoice?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    func validate() throws {
        if let epochs, epochs < 0 { throw CLIError("--epochs", "must be >= 0, got \(epochs)") }
        if let batchSize, batchSize < 1 { throw CLIError("--batch-size", "must be >= 1, got \(batchSize)") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw CLIError("--learning-rate", "must be a positive number, got \(learningRate)") }
        guard saveEvery >= 0 else { throw CLIError("--save-every", "must be >= 0, got \(saveEvery)") }
        guard saveEveryEpochs >= 1 else { throw CLIError("--save-every-epochs", "must be >= 1, got \(saveEveryEpochs)") }
        if resume && (recipe != nil || layers != nil) {
            throw CLIError("--resume", "takes the model and recipe from the checkpoint; drop --recipe/--layers")
        }
    }

    func run() throws {
        let data = try input.load()
        let saver = try Saver(directory: checkpointDir, maxToKeep: maxToKeep)
        let run: TrainingRun
        if resume {
            guard let latest = try Saver.latest(in: checkpointDir) else {
                throw CLIError("--checkpoint-dir", "\(checkpointDir) has no checkpoint to resume", hint: "train without --resume first")
            }
            run = try TrainingRun(resuming: ModelCheckpoint(path: latest), rawTrain: data.images, epochs: epochs)
            Output.note("resuming \(latest) at step \(run.trainer.state.step)")
        } else {
            let job = try makeJob()
            run = try TrainingRun(spec: job.spec, recipe: job.recipe, rawTrain: data.images)
        }
        run.notes["train_data"] = input.input
        let interactive = isatty(STDERR_FILENO) == 1
        let result = try run.train(saver: saver, saveEverySteps: saveEvery > 0 ? saveEvery : nil, saveEveryEpochs: saveEveryEpochs) { m in
            if !json || interactive {
                Output.note(String(format: "epoch %3d  loss %.6g  (recon %.6g  sparsity %.3g  l2 %.3g  kl %.3g)  train MSE %.6f",
                                   m.epoch, m.total, m.terms.reconstruction, m.terms.sparsity, m.terms.l2, m.terms.kl, m.meanSquaredError))
            }
        }
        struct Summary: Encodable { var checkpoint: String?; var steps: Int; var epochs: Int; var seconds: Double; var history: [EpochMetrics] }
        let summary = Summary(checkpoint: result.lastCheckpoint, steps: run.trainer.state.step, epochs: run.trainer.state.epoch,
                              seconds: result.seconds, history: result.history)
        if json { try Output.json(summary) } else { Output.note("saved \(result.lastCheckpoint ?? "-") after \(summary.steps) steps") }
    }

    /// The job from --recipe, with flags applied on top.
    func makeJob() throws -> TrainingJob {
        var job: TrainingJob
        if let recipe {
            guard let data = FileManager.default.contents(atPath: recipe) else { throw CLIError(recipe, "no such file") }
            do { job = try JSONDecoder().decode(TrainingJob.self, from: data) } catch {
                throw CLIError(recipe, "not a valid training job: \(error)", hint: "expected {\"spec\": {...}, \"recipe\": {...}}; see docs/MODELS.md")
            }
        } else {
            guard layers != nil else {
                throw CLIError("--layers", "missing: give --recipe FILE or at least --layers", hint: "e.g. --layers 200 --activation softplus")
            }
            job = TrainingJob(spec: ModelSpec(inputSize: 784, encoder: []), recipe: TrainingRecipe(epochs: 10, batchSize: 128, optimizer: .adam()))
        }
        if let layers {
            let widths = try layers.split(separator: ",").map { part -> Int in
                guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else { throw CLIError("--layers", "'\(part)' is not a layer width") }
                return w
            }
            guard !widths.isEmpty else { throw CLIError("--layers", "needs at least one width") }
            let act = activation ?? .sigmoid
            job.spec.encoder = widths.map { ModelSpec.Layer(units: $0, activation: act) }
            job.spec.decoder = nil
        } else if let activation {
            job.spec.encoder = job.spec.encoder.map { ModelSpec.Layer(units: $0.units, activation: activation) }
        }
        if variational, let last = job.spec.encoder.last {
            job.spec.variational = true
            job.spec.encoder[job.spec.encoder.count - 1] = .init(units: last.units, activation: .identity)
        }
        if let outputActivation { job.spec.outputActivation = outputActivation }
        if let loss { job.spec.loss = loss }
        if tied { job.spec.tiedWeights = true }
        if let l2 { job.spec.regularization.l2 = l2 }
        if sparsityTarget != nil || sparsityWeight != nil {
            job.spec.regularization.sparsity = .init(target: sparsityTarget ?? 0.1, weight: sparsityWeight ?? 1)
        }
        if let noise { job.spec.corruption = try Self.parseNoise(noise) }
        if let epochs { job.recipe.epochs = epochs }
        if let batchSize { job.recipe.batchSize = batchSize }
        if let optimizer { job.recipe.optimizer = OptimizerConfig(kind: optimizer, learningRate: learningRate ?? job.recipe.optimizer.learningRate) }
        else if let learningRate { job.recipe.optimizer.learningRate = learningRate }
        if let seed { job.recipe.seed = seed }
        if let normalization { job.recipe.normalization = normalization }
        do { try job.spec.validate() } catch { throw CLIError(recipe ?? "--layers", "\(error)") }
        do { try job.recipe.validate() } catch { throw CLIError(recipe ?? "--epochs", "\(error)") }
        return job
    }

    static func parseNoise(_ text: String) throws -> ModelSpec.Corruption {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let x = Float(parts[1]), x.isFinite, x >= 0 else {
            throw CLIError("--noise", "'\(text)' is not a noise", hint: "use gaussian:0.1 or masking:0.05")
        }
        switch parts[0] {
        case "gaussian": return .gaussian(sigma: x)
        case "masking": return .masking(probability: x)
        default: throw CLIError("--noise", "unknown noise '\(parts[0])'", hint: "use gaussian:SIGMA or masking:P")
        }
    }
}
