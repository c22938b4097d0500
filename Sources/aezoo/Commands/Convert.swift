import ArgumentParser
import Autoencoders
import Checkpoint
import Foundation
import Interop
import Linalg

extension InteropFormat: ExpressibleByArgument {}

/// The formats `convert` speaks: aezoo's own checkpoints plus every interop format.
enum ConvertFormat: String, ExpressibleByArgument, CaseIterable {
    case aezoo, tf, tf2, keras, keras3, safetensors, npz

    var interop: InteropFormat? { InteropFormat(rawValue: rawValue) }
}

struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert between aezoo checkpoints and TensorFlow, Keras, safetensors and NumPy files.",
        discussion: """
        Formats are detected from the file where possible (--from/--to override). Importing into an \
        aezoo checkpoint (.h5) infers the architecture when the names make it unambiguous (a \
        tf.layers.dense chain, or the seeds' tied weights1/weights2 + biases1..4); otherwise give \
        --map names.json ({"spec": ModelSpec, "names": {"dense/kernel": "enc/w", ...}}). TF1 Adam \
        slots and beta1_power/beta2_power/global_step come along, so training continues in aezoo \
        with the same optimizer state ('aezoo train --resume'). Exporting writes the model's \
        variables; safetensors also carries the ModelSpec in __metadata__.

        Examples:
          aezoo convert tf1-run/model.ckpt-1000 model.h5 --hidden-activation softplus
          aezoo convert fashion/sparse-kl-200 sparse.weights.h5            # Keras 3 weights
          aezoo convert runs/mine model.safetensors
          aezoo convert weights.npz model.h5 --from npz --map names.json
        """)

    @Argument(help: "The input: a file, a TF checkpoint prefix or directory, or a zoo id.")
    var input: String
    @Argument(help: "The output file.")
    var output: String

    @Option(help: ArgumentHelp("Input format: aezoo, tf, tf2, keras, keras3, safetensors, npz.", valueName: "format"))
    var from: ConvertFormat?
    @Option(help: ArgumentHelp("Output format (default: from the extension; .h5 means an aezoo checkpoint).", valueName: "format"))
    var to: ConvertFormat?
    @Option(help: ArgumentHelp("A JSON mapping {spec, names} for files whose structure is ambiguous.", valueName: "file"))
    var map: String?
    @Option(help: ArgumentHelp("Hidden activation when inferring the architecture.", valueName: "name"))
    var hiddenActivation: Activation = .sigmoid
    @Option(help: ArgumentHelp("Output activation when inferring the architecture.", valueName: "name"))
    var outputActivation: Activation = .sigmoid
    @OptionGroup var zoo: ZooOption

    func run() throws {
        let source = try readInput()
        let target = try outputFormat()
        if target == .aezoo {
            let contents = try makeCheckpoint(source)
            try CheckpointWriter.write(contents, to: output)
        } else {
            guard let format = target.interop else { throw CLIError("--to", "cannot write \(target.rawValue)") }
            guard format.canWrite else {
                throw CLIError("--to", "aezoo reads \(format.rawValue) checkpoints but does not write them", hint: "write safetensors, npz, keras or keras3")
            }
            var metadata: [String: String] = [:]
            if let spec = source.spec {
                let encoder = JSONEncoder(); encoder.outputFormatting = [.sortedKeys]
                metadata[Interop.specMetadataKey] = String(decoding: try encoder.encode(spec), as: UTF8.self)
            }
            // Keras files hold a model's weights only; other formats keep optimizer state too.
            let variables = (format == .keras || format == .keras3) ? source.modelVariables : source.variables
            try Interop.write(variables, metadata: metadata, to: output, format: format)
        }
        Output.note("converted \(input) (\(source.format)) -> \(output) (\(target.rawValue))")
    }

    /// What was read: variables plus the spec when known.
    struct Source {
        var variables: VariableStore
        var spec: ModelSpec?
        var format: String
        var imported: ImportedModel?
        var modelVariables: VariableStore {
            guard let spec else { return variables }
            return VariableStore(spec.variableLayout.compactMap { l in variables[l.name].map { (l.name, $0) } })
        }
    }

    func readInput() throws -> Source {
        let isAezoo: Bool
        if let from { isAezoo = from == .aezoo } else { isAezoo = Self.looksLikeAezoo(input) }
        if isAezoo {
            let checkpoint = try ModelOption(model: input, zoo: zoo).load().checkpoint
            return Source(variables: try checkpoint.allVariables(), spec: checkpoint.spec, format: "aezoo")
        }
        var imported = try Interop.read(input, format: from?.interop)
        var spec: ModelSpec?
        if let map {
            let mapping = try ModelMapping.Mapping.load(map)
            imported = try ModelMapping.apply(mapping, to: imported)
            spec = mapping.spec
        }
        if spec == nil, let json = imported.metadata[Interop.specMetadataKey] {
            spec = try? JSONDecoder().decode(ModelSpec.self, from: Data(json.utf8))
        }
        return Source(variables: imported.variables, spec: spec, format: imported.format.rawValue, imported: imported)
    }

    func outputFormat() throws -> ConvertFormat {
        if let to { return to }
        if output.hasSuffix(".weights.h5") { return .keras3 }
        if output.hasSuffix(".h5") || output.hasSuffix(".hdf5") { return .aezoo }
        if let f = InteropFormat.forOutput(output), let c = ConvertFormat(rawValue: f.rawValue) { return c }
        throw CLIError(output, "cannot tell the output format from the name", hint: "use .h5 (aezoo), .weights.h5 (Keras 3), .safetensors, .npz, or pass --to")
    }

    /// An aezoo checkpoint from foreign variables: the model, and the optimizer state when it came along.
    func makeCheckpoint(_ source: Source) throws -> CheckpointContents {
        if source.format == "aezoo" {
            return try Saver.load(try ModelOption(model: input, zoo: zoo).load().checkpoint.path)
        }
        guard let imported = source.imported else { throw CLIError(input, "nothing to convert") }
        let spec = try source.spec ?? ModelMapping.inferSpec(imported, hidden: hiddenActivation, output: outputActivation)
        let model = try ModelMapping.makeModel(imported, spec: spec)
        var trainer: Trainer?
        var recipe: TrainingRecipe?
        let slotNames = imported.variables.names.filter { $0.hasSuffix("/Adam") || $0.hasSuffix("/Adam_1") || $0.hasPrefix("beta") }
        if !slotNames.isEmpty, let step = imported.variables["global_step"] ?? imported.variables["beta1_power"].map({ _ in Tensor(scalar: Int64(0)) }) {
            let r = TrainingRecipe(epochs: 0, batchSize: 128, optimizer: .adam(learningRate: Float(imported.metadata["learning_rate"] ?? "") ?? 1e-3))
            let t = try Trainer(model: model, recipe: r)
            var state = t.state
            state.step = Int(step.scalarValue)
            var slots = VariableStore()
            for name in imported.variables.names where !spec.variableLayout.contains(where: { $0.name == name }) {
                slots[name] = imported.variables[name]
            }
            slots["global_step"] = Tensor(scalar: Int64(state.step))
            try t.restore(state: state, optimizerState: slots)
            trainer = t; recipe = r
        }
        return try ModelCheckpoint.contents(model: model, trainer: trainer, recipe: recipe, normalization: .none, codePrior: nil,
                                            notes: ["converted_from": input, "source_format": source.format])
    }

    /// An HDF5 file carrying aezoo's format attribute, a directory with aezoo checkpoints, or a zoo id.
    static func looksLikeAezoo(_ path: String) -> Bool {
        if !FileManager.default.fileExists(atPath: path) { return path.split(separator: "/").count == 2 && !path.contains(".") }
        return (try? ModelCheckpoint(path: path)) != nil
    }
}

extension ModelOption {
    init(model: String, zoo: ZooOption) {
        self.init()
        self.model = model
        self.zoo = zoo
    }
}
