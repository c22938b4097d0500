// A small writer for the checkpoint tests (Tests/CheckpointTests), run as a separate process:
//
//   checkpoint-stress save DIR [SAVES]   save checkpoints in a loop (continuing DIR's latest step)
//                                        so a test can SIGKILL it mid-write
//   checkpoint-stress train DIR STEPS    train a small autoencoder STEPS steps — from scratch, or
//                                        resuming DIR's latest checkpoint — and save; the exact-
//                                        resume test compares N+M steps in one process with N, then
//                                        M more in a new one
//   checkpoint-stress bench DIR [REPEATS] save and restore a trained 784-1000-784 model with its
//                                        Adam state; prints JSON timings (tools/bench/checkpoint)
//   checkpoint-stress time FILE [REPEATS] save a copy of checkpoint FILE and restore it, REPEATS times
//                                        after one untimed round; prints every timing as JSON (the
//                                        benchmark alternates these runs with h5py's)
import Autoencoders
import Checkpoint
import Foundation
import Linalg

func saveLoop(directory: String, saves: Int) throws {
    let saver = try Saver(directory: directory, maxToKeep: 3)
    var step: Int64 = 0
    if let latest = try Saver.latest(in: directory) { step = try CheckpointReader(path: latest).metadata.globalStep }
    for _ in 0..<saves {
        step += 1
        try saver.save(CheckpointContents(variables: variables(step: step)), step: step)
        FileHandle.standardOutput.write(Data("\(step)\n".utf8))
    }
}

/// 50 samples of 16 features in [0, 1]; 50 is not a multiple of the batch size, so epochs end
/// with a short batch and a resume can land mid-epoch.
func trainingData() -> Matrix {
    var rng = RandomSource(seed: 99)
    var values = [Float](repeating: 0, count: 50 * 16)
    rng.fillUniform(&values, low: 0, high: 1)
    return Matrix(rows: 50, cols: 16, data: values)
}

func train(directory: String, steps: Int) throws {
    let data = trainingData()
    let saver = try Saver(directory: directory, maxToKeep: 2)
    let model: Autoencoder, trainer: Trainer, recipe: TrainingRecipe
    if try Saver.latest(in: directory) != nil {
        let checkpoint = try ModelCheckpoint(path: directory)
        guard let saved = try checkpoint.recipe() else { throw CheckpointError.invalidArgument("\(directory): checkpoint has no recipe") }
        recipe = saved
        model = try checkpoint.makeModel()
        trainer = try checkpoint.makeTrainer(model: model, recipe: recipe)
    } else {
        let spec = ModelSpec(inputSize: 16, encoder: [.init(units: 8, activation: .tanh), .init(units: 4, activation: .sigmoid)],
                             outputActivation: .sigmoid, corruption: .masking(probability: 0.2))
        recipe = TrainingRecipe(epochs: 100, batchSize: 7, optimizer: .adam(learningRate: 0.01), seed: 5, shuffle: true)
        model = try Autoencoder(spec: spec, seed: recipe.seed)
        trainer = try Trainer(model: model, recipe: recipe)
    }
    trainer.showsProgress = false
    try trainer.train(data, steps: steps)
    let contents = try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe, normalization: .none, codePrior: nil)
    try saver.save(contents, step: Int64(trainer.state.step))
}

/// Times `CheckpointWriter.write` (the whole atomic save: write, fsync, rename, fsync dir) and
/// `CheckpointReader.readAll` (every check included: structure, NaN/Inf, SHA-256).
func bench(directory: String, repeats: Int) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let spec = ModelSpec(inputSize: 784, encoder: [.init(units: 1000, activation: .sigmoid)], outputActivation: .sigmoid)
    let recipe = TrainingRecipe(epochs: 1, batchSize: 64, optimizer: .adam(learningRate: 1e-3), seed: 1)
    let model = try Autoencoder(spec: spec, seed: 1)
    let trainer = try Trainer(model: model, recipe: recipe)
    trainer.showsProgress = false
    var rng = RandomSource(seed: 3)
    var pixels = [Float](repeating: 0, count: 256 * 784)
    rng.fillUniform(&pixels, low: 0, high: 1)
    try trainer.train(Matrix(rows: 256, cols: 784, data: pixels), steps: 4)  // realistic, non-zero Adam slots
    let contents = try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe, normalization: .none, codePrior: nil)
    let path = URL(fileURLWithPath: directory).appendingPathComponent("aezoo.h5").path
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    var saves: [Double] = [], restores: [Double] = [], weightsOnly: [Double] = []
    let modelNames = model.variables.names
    for _ in 0..<repeats {
        saves.append(try seconds { try CheckpointWriter.write(contents, to: path) })
        restores.append(try seconds { _ = try CheckpointReader(path: path).readAll() })
        weightsOnly.append(try seconds { _ = try CheckpointReader(path: path).readVariables(modelNames) })
    }
    let bytes = contents.variables.reduce(0) { $0 + $1.tensor.byteCount }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
    let report: [String: Any] = ["file": path, "variables": contents.variables.count, "raw_bytes": bytes, "file_bytes": size,
                                 "save_median_s": median(saves), "restore_median_s": median(restores),
                                 "restore_weights_only_median_s": median(weightsOnly), "repeats": repeats]
    FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]))
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Times saving the contents of `file` to a sibling file and restoring that copy: the whole atomic
/// save, the full restore (every check), and the model's weights alone.
func time(file: String, repeats: Int) throws {
    let contents = try CheckpointReader(path: file).contents()
    let modelNames = try ModelCheckpoint(path: file).modelVariables.names
    let copy = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("aezoo-copy.h5").path
    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    var saves: [Double] = [], restores: [Double] = [], weightsOnly: [Double] = []
    for round in 0...repeats {
        let save = try seconds { try CheckpointWriter.write(contents, to: copy) }
        let restore = try seconds { _ = try CheckpointReader(path: copy).readAll() }
        let weights = try seconds { _ = try CheckpointReader(path: copy).readVariables(modelNames) }
        if round > 0 { saves.append(save); restores.append(restore); weightsOnly.append(weights) }
    }
    let report: [String: Any] = ["save_s": saves, "restore_s": restores, "restore_weights_only_s": weightsOnly,
                                 "file_bytes": (try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int) ?? 0]
    FileHandle.standardOutput.write(try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]))
    FileHandle.standardOutput.write(Data("\n".utf8))
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
    case ("save", 3...4): try saveLoop(directory: arguments[2], saves: arguments.count > 3 ? Int(arguments[3]) ?? .max : .max)
    case ("train", 4): try train(directory: arguments[2], steps: Int(arguments[3]) ?? 0)
    case ("bench", 3...4): try bench(directory: arguments[2], repeats: arguments.count > 3 ? max(1, Int(arguments[3]) ?? 7) : 7)
    case ("time", 3...4): try time(file: arguments[2], repeats: arguments.count > 3 ? max(1, Int(arguments[3]) ?? 3) : 3)
    default:
        FileHandle.standardError.write(Data("usage: checkpoint-stress save DIR [SAVES] | train DIR STEPS | bench DIR [REPEATS] | time FILE [REPEATS]\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("checkpoint-stress: \(error)\n".utf8))
    exit(1)
}
