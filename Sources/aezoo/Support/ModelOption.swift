import ArgumentParser
import Autoencoders
import Checkpoint
import Datasets
import Foundation
import Linalg
import Zoo

/// The MODEL argument every command shares: a zoo id, a checkpoint file, or a checkpoint directory.
struct ModelOption: ParsableArguments {
    @Argument(help: "A zoo id (e.g. fashion/sparse-kl-200), a checkpoint file (.h5) or a checkpoint directory.")
    var model: String

    @OptionGroup var zoo: ZooOption

    /// Resolves and restores the model (`part: .encoder` reads only what encoding needs). Zoo
    /// checkpoints are verified against the registry before anything is built from them.
    func load(part: ModelCheckpoint.Part = .model) throws -> LoadedModel {
        let fm = FileManager.default
        if fm.fileExists(atPath: model) {
            let file = try Saver.resolveCheckpoint(model)
            let digest = PendingDigest(path: file)
            return try LoadedModel(checkpoint: ModelCheckpoint(path: file, part: part), id: model, digest: digest)
        }
        if model.contains("/") && !model.hasPrefix(".") && !model.hasPrefix("/") && model.split(separator: "/").count == 2 {
            // Zoo checkpoints live at <id>/model.h5: start hashing that file now, while the registry
            // is decoded, and use the digest only if the registry names that very file.
            let early = EarlyZooDigest.take(for: model)
                ?? PendingDigest(path: zoo.url.appendingPathComponent(ZooBuilder.checkpointPath(for: model)).path)
            let registry = try zoo.registry()
            if registry.ids.contains(model) {
                let entry = try registry.entry(model)
                let url = try registry.checkpointLocation(entry)
                // One hash: the file's SHA-256, computed on another thread while the variables are
                // read, against the registry's pin (so the variables' own digests are not computed
                // as well). Nothing is built from the values before the pin matches.
                let digest = early.isHashing(url.path) ? early : PendingDigest(path: url.path)
                let checkpoint: ModelCheckpoint
                do {
                    checkpoint = try ModelCheckpoint(path: url.path, digests: .wholeFileCheckedByCaller, part: part)
                } catch {
                    // A file that fails to load and also fails its pin was changed: say that.
                    if let hashed = try? digest.value() { try registry.verify(entry, digest: hashed, path: url.path) }
                    throw error
                }
                try registry.verify(entry, digest: try digest.value(), path: url.path)
                return try LoadedModel(checkpoint: checkpoint, id: entry.id, digest: digest)
            }
            throw CLIError(model, "no such file, and not a zoo id", hint: "the zoo has: \(registry.ids.joined(separator: ", "))")
        }
        throw CLIError(model, "no such checkpoint file or directory", hint: "pass a zoo id (aezoo zoo list), a .h5 checkpoint or a training directory")
    }
}

/// Where the zoo lives: `--zoo DIR`, `$AEZOO_ZOO`, or the `zoo/` folder of the repository this
/// executable was built in (so `.build/release/aezoo` finds it from anywhere).
struct ZooOption: ParsableArguments {
    @Option(name: .customLong("zoo"), help: ArgumentHelp("The zoo directory (holds registry.json).", valueName: "dir"))
    var directory: String?

    var url: URL { Self.location(directory: directory) }

    /// The zoo directory for a `--zoo` value (nil: not given).
    static func location(directory: String?) -> URL {
        if let directory { return URL(fileURLWithPath: directory) }
        if let env = ProcessInfo.processInfo.environment["AEZOO_ZOO"], !env.isEmpty { return URL(fileURLWithPath: env) }
        let cwdZoo = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("zoo")
        if FileManager.default.fileExists(atPath: cwdZoo.appendingPathComponent(Registry.fileName).path) { return cwdZoo }
        // <repo>/.build/<config>/aezoo -> <repo>/zoo
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("zoo")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(Registry.fileName).path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwdZoo
    }

    func registry() throws -> Registry { try Registry.load(zoo: url) }
}

/// A restored model and what came with it.
struct LoadedModel {
    let checkpoint: ModelCheckpoint
    /// The zoo id or the path the user gave.
    let id: String
    /// The checkpoint file's SHA-256, hashed in the background while the model loads.
    private let digest: PendingDigest
    private let whole: Autoencoder?
    /// Encodes on every core.
    let encoder: ParallelEncoder

    init(checkpoint: ModelCheckpoint, id: String, digest: PendingDigest) throws {
        self.checkpoint = checkpoint
        whole = checkpoint.part == .model ? try checkpoint.makeModel() : nil
        encoder = try whole.map { ParallelEncoder(model: $0) } ?? checkpoint.makeEncoder()
        self.id = id
        self.digest = digest
    }

    /// The whole model; loaded with `ModelOption.load()` (not `load(part: .encoder)`).
    var model: Autoencoder {
        guard let whole else { preconditionFailure("\(id) was loaded for encoding only") }
        return whole
    }

    /// SHA-256 of the checkpoint file (waits for the background hash).
    func sha256() throws -> String { try digest.value().sha256 }

    var spec: ModelSpec { checkpoint.spec }
    var normalization: Normalization { checkpoint.normalization }

    /// Model-space inputs from raw inputs (applies the stored normalization).
    func normalize(_ x: Matrix) throws -> Matrix {
        guard x.cols == spec.inputSize else {
            throw CLIError("--input", "rows have \(x.cols) features, the model expects \(spec.inputSize)")
        }
        var y = x
        normalization.apply(to: &y)
        return y
    }

    /// Raw-space outputs from model outputs (undoes the stored normalization).
    func denormalize(_ x: Matrix) -> Matrix {
        var y = x
        normalization.invert(&y)
        return y
    }

    /// Attributes that tie written data to the model that made it (HDF5 outputs carry them).
    func provenance() throws -> [(String, AttributeValue)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let normalization = String(decoding: try encoder.encode(normalization), as: UTF8.self)
        let spec = String(decoding: try encoder.encode(spec), as: UTF8.self)
        return [("model_id", .string(id)), ("checkpoint_sha256", .string(try sha256())),
                ("normalization", .string(normalization)), ("model_spec", .string(spec)),
                ("aezoo_version", .string(AEZoo.version))]
    }
}
