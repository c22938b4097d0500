import Autoencoders
import Foundation
import Linalg

/// Turns imported variables into an aezoo model: infers the `ModelSpec` when the structure is
/// unambiguous, or follows a mapping file when it is not.
///
/// Unambiguous structures:
/// - a dense chain `dense`, `dense_1`, ... (`<layer>/kernel` `[in, out]` + `<layer>/bias`) whose
///   widths go from the input back to the input; the code layer is the narrowest one. Decoder
///   layers with a bias but no kernel are tied to the mirrored encoder kernel.
/// - the seeds' hand-built names: `weights1..K` with `biases1..K` (untied) or `biases1..2K`
///   (tied: the decoder uses the transposed encoder weights).
/// Activations are not stored in weight files, so they come from the caller (or the mapping).
///
/// ```swift
/// let imported = try Interop.read("runs/tf1")
/// let spec = try ModelMapping.inferSpec(imported, hidden: .softplus, output: .sigmoid)
/// let model = try ModelMapping.makeModel(imported, spec: spec)
/// ```
public enum ModelMapping {
    /// Names that are optimizer state, not model weights.
    static func isOptimizerState(_ name: String) -> Bool {
        ["global_step", "beta1_power", "beta2_power"].contains(name)
            || ["/Adam", "/Adam_1", "/Momentum", "/RMSProp", "/RMSProp_1", "/Adagrad"].contains { name.hasSuffix($0) }
    }

    public static func inferSpec(_ imported: ImportedModel, hidden: Activation, output: Activation) throws -> ModelSpec {
        let weights = imported.variables.names.filter { !isOptimizerState($0) }
        let store = imported.variables
        func shape(_ n: String) -> [Int]? { store[n]?.shape }

        if weights.contains(where: { $0.hasPrefix("weights") || $0.hasPrefix("biases") }) {
            return try inferSeed(weights, store: store, path: imported.path, hidden: hidden, output: output)
        }
        // Dense chain: group by layer scope.
        var layers: [String] = []
        for name in weights {
            guard let slash = name.lastIndex(of: "/") else {
                throw InteropError.mapping(reason: "\(imported.path): variable '\(name)' is not <layer>/kernel or <layer>/bias; pass a mapping file")
            }
            let layer = String(name[..<slash]), leaf = name[name.index(after: slash)...]
            guard leaf == "kernel" || leaf == "bias" else {
                throw InteropError.unexpectedLayer(path: imported.path, layer: layer, reason: "tensor '\(name)' is not a Dense kernel or bias; aezoo maps dense autoencoders only")
            }
            guard layer == "dense" || (layer.hasPrefix("dense_") && Int(layer.dropFirst(6)) != nil) else {
                throw InteropError.unexpectedLayer(path: imported.path, layer: layer, reason: "tensor '\(name)': layer is not named dense, dense_1, ...; pass a mapping file")
            }
            if !layers.contains(layer) { layers.append(layer) }
        }
        layers.sort(by: KerasH5.naturalOrder)
        guard layers.count >= 2 else { throw InteropError.mapping(reason: "\(imported.path): \(layers.count) dense layer(s); an autoencoder needs an encoder and a decoder") }
        for (i, l) in layers.enumerated() where l != (i == 0 ? "dense" : "dense_\(i)") {
            throw InteropError.mapping(reason: "\(imported.path): dense layers are not numbered consecutively (found \(l) at position \(i))")
        }
        var widths: [Int] = []
        var tiedFlags: [Bool] = []
        for l in layers {
            guard let b = shape(l + "/bias"), b.count == 1 else { throw InteropError.unexpectedLayer(path: imported.path, layer: l, reason: "no 1-D bias '\(l)/bias'") }
            widths.append(b[0])
            tiedFlags.append(shape(l + "/kernel") == nil)
        }
        guard let k0 = shape(layers[0] + "/kernel"), k0.count == 2 else {
            throw InteropError.unexpectedLayer(path: imported.path, layer: layers[0], reason: "first layer has no 2-D kernel")
        }
        let input = k0[0]
        let sizes = [input] + widths
        guard sizes.last == input else {
            throw InteropError.mapping(reason: "\(imported.path): the last layer has \(sizes.last!) units but the input has \(input); not an autoencoder")
        }
        let hiddenWidths = Array(widths.dropLast())
        let code = codeIndex(hiddenWidths)
        guard let code else { throw InteropError.mapping(reason: "\(imported.path): cannot tell which layer is the code (widths \(sizes)); pass a mapping file with a spec") }
        let tied = tiedFlags.contains(true)
        for (i, l) in layers.enumerated() {
            if let k = shape(l + "/kernel") {
                guard k == [sizes[i], sizes[i + 1]] else {
                    throw InteropError.unexpectedLayer(path: imported.path, layer: l, reason: "tensor '\(l)/kernel' has shape \(k), expected \([sizes[i], sizes[i + 1]]) to chain")
                }
            }
            if tied && (i <= code) == tiedFlags[i] {
                throw InteropError.mapping(reason: "\(imported.path): layer \(l) breaks the tied pattern (encoder kernels stored, decoder kernels shared)")
            }
        }
        return try makeSpec(sizes: sizes, code: code, tied: tied, naming: .dense, hidden: hidden, output: output)
    }

    static func inferSeed(_ weights: [String], store: VariableStore, path: String, hidden: Activation, output: Activation) throws -> ModelSpec {
        func numbered(_ prefix: String) -> [Int] { weights.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.sorted() }
        let w = numbered("weights"), b = numbered("biases")
        let others = weights.filter { n in !(n.hasPrefix("weights") && Int(n.dropFirst(7)) != nil) && !(n.hasPrefix("biases") && Int(n.dropFirst(6)) != nil) }
        guard others.isEmpty else { throw InteropError.mapping(reason: "\(path): variables \(others) do not follow the weightsN/biasesN pattern; pass a mapping file") }
        guard w == Array(1...max(1, w.count)), b == Array(1...max(1, b.count)), !w.isEmpty else {
            throw InteropError.mapping(reason: "\(path): weights/biases are not numbered 1, 2, ...")
        }
        let tied = b.count == 2 * w.count
        guard tied || b.count == w.count else {
            throw InteropError.mapping(reason: "\(path): \(w.count) weights and \(b.count) biases fit neither an untied (same count) nor a tied (twice as many biases) model")
        }
        let widths = b.map { store["biases\($0)"]!.shape.first ?? 0 }
        guard let first = store["weights1"]?.shape, first.count == 2 else { throw InteropError.mapping(reason: "\(path): weights1 is not a 2-D kernel") }
        let sizes = [first[0]] + widths
        let code = tied ? w.count - 1 : codeIndex(Array(widths.dropLast()))
        guard let code, sizes.last == sizes.first else { throw InteropError.mapping(reason: "\(path): widths \(sizes) are not an autoencoder's") }
        for k in w {
            let expected = [sizes[k - 1], sizes[k]]
            guard store["weights\(k)"]!.shape == expected else {
                throw InteropError.badTensor(path: path, tensor: "weights\(k)", reason: "shape \(store["weights\(k)"]!.shape), expected \(expected) to chain with the biases")
            }
        }
        return try makeSpec(sizes: sizes, code: code, tied: tied, naming: .seed, hidden: hidden, output: output)
    }

    /// The code layer: the unique narrowest hidden layer, or the middle one of a symmetric stack.
    static func codeIndex(_ hidden: [Int]) -> Int? {
        guard let narrowest = hidden.min() else { return nil }
        let candidates = hidden.indices.filter { hidden[$0] == narrowest }
        if candidates.count == 1 { return candidates[0] }
        return hidden.count % 2 == 1 && candidates.contains(hidden.count / 2) ? hidden.count / 2 : nil
    }

    static func makeSpec(sizes: [Int], code: Int, tied: Bool, naming: ModelSpec.Naming, hidden: Activation, output: Activation) throws -> ModelSpec {
        let hiddenWidths = Array(sizes.dropFirst().dropLast())
        let encoder = hiddenWidths[...code].map { ModelSpec.Layer(units: $0, activation: hidden) }
        let decoder = hiddenWidths[(code + 1)...].map { ModelSpec.Layer(units: $0, activation: hidden) }
        let mirrored = Array(encoder.dropLast().reversed())
        let spec = ModelSpec(inputSize: sizes[0], encoder: Array(encoder), decoder: decoder == mirrored ? nil : Array(decoder),
                             outputActivation: output, tiedWeights: tied, naming: naming)
        do { try spec.validate() } catch { throw InteropError.mapping(reason: "inferred spec is invalid: \(error)") }
        return spec
    }

    /// The model's own variables (optimizer state dropped), checked against the spec.
    public static func modelVariables(_ imported: ImportedModel, spec: ModelSpec) throws -> VariableStore {
        let model: Autoencoder
        do { model = try Autoencoder(spec: spec, seed: 0) } catch { throw InteropError.mapping(reason: "\(error)") }
        var store = VariableStore()
        for name in model.variableNames {
            guard let t = imported.variables[name] else {
                throw InteropError.mapping(reason: "\(imported.path): the model needs variable '\(name)', which the file does not have")
            }
            store[name] = t
        }
        return store
    }

    /// An `Autoencoder` holding the imported weights.
    public static func makeModel(_ imported: ImportedModel, spec: ModelSpec) throws -> Autoencoder {
        let store = try modelVariables(imported, spec: spec)
        do { return try Autoencoder(spec: spec, variables: store) } catch { throw InteropError.mapping(reason: "\(imported.path): \(error)") }
    }

    /// A user-written mapping: `{"spec": {...ModelSpec...}, "names": {"dense/kernel": "enc/w", ...}}`.
    /// `names` maps aezoo names to names in the source file; optimizer slots of a mapped variable
    /// (`<source>/Adam`, `<source>/Adam_1`) follow it automatically.
    public struct Mapping: Codable, Sendable {
        public var spec: ModelSpec?
        public var names: [String: String]?
        public init(spec: ModelSpec? = nil, names: [String: String]? = nil) { self.spec = spec; self.names = names }

        public static func load(_ path: String) throws -> Mapping {
            let data = try readFile(path, missingIs: "mapping file")
            do { return try JSONDecoder().decode(Mapping.self, from: Data(data)) } catch {
                throw InteropError.corrupt(path: path, reason: "not a mapping JSON ({\"spec\": ..., \"names\": {...}}): \(error)")
            }
        }
    }

    /// Renames variables as the mapping says (unmapped non-optimizer variables are dropped).
    public static func apply(_ mapping: Mapping, to imported: ImportedModel) throws -> ImportedModel {
        guard let names = mapping.names else { return imported }
        var out = imported
        var store = VariableStore()
        var sources: [String: String] = [:]
        for (target, source) in names.sorted(by: { $0.key < $1.key }) {
            guard let t = imported.variables[source] else {
                throw InteropError.mapping(reason: "\(imported.path): mapping names '\(source)' for '\(target)', but the file has no such variable")
            }
            store[target] = t
            sources[target] = imported.sourceNames[source] ?? source
            for slot in ["Adam", "Adam_1", "Momentum", "RMSProp", "Adagrad"] {
                if let s = imported.variables["\(source)/\(slot)"] { store["\(target)/\(slot)"] = s; sources["\(target)/\(slot)"] = source + "/" + slot }
            }
        }
        for n in ["global_step", "beta1_power", "beta2_power"] { if let t = imported.variables[n] { store[n] = t; sources[n] = imported.sourceNames[n] ?? n } }
        out.variables = store
        out.sourceNames = sources
        return out
    }
}
