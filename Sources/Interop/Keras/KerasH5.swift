import Foundation
import HDF5
import Linalg

/// Keras HDF5 weight files, in both layouts Keras has used:
///
/// - **legacy** (`model.save_weights("w.h5")` in Keras 2 / tf.keras, and the `model_weights`
///   group of `model.save("m.h5")`): root attribute `layer_names`, per-layer attribute
///   `weight_names`, datasets at `/<layer>/<weight name>` such as `/dense/dense/kernel:0`.
/// - **v3** (Keras 3 `model.save_weights("w.weights.h5")`): `/layers/<layer>/vars/0` (kernel),
///   `/vars/1` (bias), optimizer state under `/optimizer/vars/<i>`.
///
/// Imported names follow aezoo's TF1 style: `dense/kernel`, `dense/bias`, `dense/kernel/Adam`...
///
/// ```swift
/// let model = try KerasH5.read("ae.weights.h5")
/// try KerasH5.write(model.variables, to: "ae.h5", layout: .legacy)  // Keras load_weights reads it
/// ```
public enum KerasH5 {
    public enum Layout: String, Sendable { case legacy, v3 }

    /// Tells the layouts apart by their structure (the file name is only a hint).
    public static func layout(of file: H5File) throws -> Layout? {
        if try file.hasAttribute("layer_names") || file.hasAttribute("layer_names0") { return .legacy }
        if try file.kind(of: "model_weights") == .group { return .legacy }
        if try file.kind(of: "layers") == .group || file.kind(of: "vars") == .group { return .v3 }
        return nil
    }

    public static func read(_ path: String) throws -> TensorFlowCheckpoint.Imported {
        let file = try open(path)
        switch try layout(of: file) {
        case .legacy: return try readLegacy(file, path: path)
        case .v3: return try readV3(file, path: path)
        case nil: throw InteropError.corrupt(path: path, reason: "HDF5 file is neither a legacy Keras weights file (no layer_names attribute) nor a Keras 3 .weights.h5 (no /layers group)")
        }
    }

    // MARK: - Legacy layout

    static func readLegacy(_ file: H5File, path: String) throws -> TensorFlowCheckpoint.Imported {
        let root: H5Group = try file.hasAttribute("layer_names") || file.hasAttribute("layer_names0") ? file : file.openGroup("model_weights")
        var store = VariableStore()
        var sources: [String: String] = [:]
        var metadata = ["source_format": "keras-legacy"]
        if let v = try? root.attribute("keras_version").stringValue { metadata["keras_version"] = v }
        for layer in try chunkedStrings(root, "layer_names", path: path) {
            guard try root.kind(of: layer) == .group else {
                throw InteropError.unexpectedLayer(path: path, layer: layer, reason: "listed in layer_names but has no group")
            }
            let group = try root.openGroup(layer)
            for weightName in try chunkedStrings(group, "weight_names", path: path) {
                guard try group.kind(of: weightName) == .dataset else {
                    throw InteropError.badTensor(path: path, tensor: "\(layer)/\(weightName)", reason: "listed in weight_names but no dataset is there")
                }
                var base = String(weightName.split(separator: "/").last ?? Substring(weightName))
                if let colon = base.lastIndex(of: ":") { base = String(base[..<colon]) }
                let name = "\(layer)/\(base)"
                guard store[name] == nil else {
                    throw InteropError.unexpectedLayer(path: path, layer: layer, reason: "two weights are both called '\(base)'")
                }
                store[name] = try readTensor(group.openDataset(weightName), path: path, tensor: "\(layer)/\(weightName)")
                sources[name] = "/\(root === file ? "" : "model_weights/")\(layer)/\(weightName)"
            }
        }
        if try file.kind(of: "optimizer_weights") == .group {
            metadata["note"] = "optimizer_weights present but not imported (their order depends on the Keras version)"
        }
        return .init(variables: store, sourceNames: sources, metadata: metadata, isObjectBased: false)
    }

    /// Keras splits long name lists over `name0`, `name1`... when they exceed the HDF5 header limit.
    static func chunkedStrings(_ object: H5Group, _ name: String, path: String) throws -> [String] {
        if try object.hasAttribute(name) {
            guard let list = try object.attribute(name).stringsValue else {
                throw InteropError.corrupt(path: path, reason: "attribute \(name) of \(object.name) is not a list of strings")
            }
            return list
        }
        var all: [String] = []
        var chunk = 0
        while try object.hasAttribute("\(name)\(chunk)") {
            guard let list = try object.attribute("\(name)\(chunk)").stringsValue else {
                throw InteropError.corrupt(path: path, reason: "attribute \(name)\(chunk) of \(object.name) is not a list of strings")
            }
            all += list
            chunk += 1
        }
        if chunk == 0 { throw InteropError.corrupt(path: path, reason: "\(object.name) has no \(name) attribute") }
        return all
    }

    // MARK: - Keras 3 layout

    static func readV3(_ file: H5File, path: String) throws -> TensorFlowCheckpoint.Imported {
        var store = VariableStore()
        var sources: [String: String] = [:]
        var metadata = ["source_format": "keras3"]
        var weights: [String] = []  // model variables in order, for optimizer slot matching
        if try file.kind(of: "layers") == .group {
            for (layer, groupPath) in try saveables(file.openGroup("layers"), prefix: "", groupPath: "layers") {
                let vars = try file.openGroup(groupPath + "/vars")
                let indices = try vars.memberNames().compactMap(Int.init).sorted()
                guard indices == Array(0..<indices.count) else {
                    throw InteropError.corrupt(path: path, reason: "\(groupPath)/vars holds \(try vars.memberNames()), expected 0, 1, ...")
                }
                let isDense = layer.split(separator: "/").last.map { $0 == "dense" || $0.hasPrefix("dense_") } ?? false
                for i in indices {
                    let base = isDense && i < 2 ? ["kernel", "bias"][i] : String(i)
                    let name = "\(layer)/\(base)"
                    store[name] = try readTensor(vars.openDataset(String(i)), path: path, tensor: "\(groupPath)/vars/\(i)")
                    sources[name] = "/\(groupPath)/vars/\(i)"
                    weights.append(name)
                }
            }
        }
        if try file.kind(of: "optimizer/vars") == .dataset || file.kind(of: "optimizer/vars") == .group {
            try readV3Optimizer(file.openGroup("optimizer/vars"), weights: weights, into: &store, sources: &sources, metadata: &metadata, path: path)
        }
        return .init(variables: store, sourceNames: sources, metadata: metadata, isObjectBased: false)
    }

    /// Groups under `layers` that hold a `vars` group, depth first, in Keras's creation order.
    static func saveables(_ group: H5Group, prefix: String, groupPath: String) throws -> [(String, String)] {
        var out: [(String, String)] = []
        for member in try group.memberNames().sorted(by: naturalOrder) where try group.kind(of: member) == .group {
            let sub = try group.openGroup(member)
            let name = prefix.isEmpty ? member : "\(prefix)/\(member)"
            if try sub.kind(of: "vars") == .group, try !sub.openGroup("vars").memberNames().isEmpty {
                out.append((name, "\(groupPath)/\(member)"))
            }
            if try sub.kind(of: "layers") == .group {
                out += try saveables(sub.openGroup("layers"), prefix: name, groupPath: "\(groupPath)/\(member)/layers")
            }
        }
        return out
    }

    /// `dense` < `dense_1` < `dense_2` < `dense_10`: Keras numbers layers in creation order.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func split(_ s: String) -> (String, Int) {
            if let u = s.lastIndex(of: "_"), let n = Int(s[s.index(after: u)...]) { return (String(s[..<u]), n) }
            return (s, 0)
        }
        let (sa, na) = split(a), (sb, nb) = split(b)
        return sa != sb ? sa < sb : na < nb
    }

    /// Keras 3 Adam: `0` iteration, `1` learning rate, then momentum/velocity per variable —
    /// interleaved (m0, v0, m1, v1...) in current Keras, blocked (m0, m1..., v0, v1...) in some
    /// releases. Whichever order matches every shape is used; otherwise the state is skipped.
    static func readV3Optimizer(_ vars: H5Group, weights: [String], into store: inout VariableStore,
                                sources: inout [String: String], metadata: inout [String: String], path: String) throws {
        let indices = try vars.memberNames().compactMap(Int.init).sorted()
        guard indices.count >= 1 else { return }
        var tensors: [Tensor] = []
        for i in indices { tensors.append(try readTensor(vars.openDataset(String(i)), path: path, tensor: "optimizer/vars/\(i)")) }
        let p = weights.count
        guard tensors.count == 2 + 2 * p, tensors[0].elementCount == 1, tensors[1].elementCount == 1 else {
            metadata["note"] = "optimizer state with \(tensors.count) variables not imported (expected Adam: 2 + 2 x \(p))"
            return
        }
        let interleaved = (0..<p).map { (2 + 2 * $0, 3 + 2 * $0) }
        let blocked = (0..<p).map { (2 + $0, 2 + p + $0) }
        let shapes = weights.map { store[$0]!.shape }
        let fits = { (layout: [(Int, Int)]) in
            layout.enumerated().allSatisfy { k, mv in tensors[mv.0].shape == shapes[k] && tensors[mv.1].shape == shapes[k] }
        }
        guard let layout = fits(interleaved) ? interleaved : fits(blocked) ? blocked : nil else {
            metadata["note"] = "optimizer state not imported: slot shapes do not match the layers"
            return
        }
        for (k, (m, v)) in layout.enumerated() {
            store[weights[k] + "/Adam"] = tensors[m]; sources[weights[k] + "/Adam"] = "/optimizer/vars/\(m)"
            store[weights[k] + "/Adam_1"] = tensors[v]; sources[weights[k] + "/Adam_1"] = "/optimizer/vars/\(v)"
        }
        let step = Int64(tensors[0].scalarValue)
        store["global_step"] = Tensor(scalar: step)
        sources["global_step"] = "/optimizer/vars/0"
        metadata["optimizer_learning_rate"] = String(tensors[1].scalarValue)
        store["beta1_power"] = Tensor(scalar: Float(pow(0.9, Double(step + 1))))
        store["beta2_power"] = Tensor(scalar: Float(pow(0.999, Double(step + 1))))
        metadata["synthesized"] = "beta1_power, beta2_power from \(step) iterations (Keras default beta_1 0.9, beta_2 0.999)"
    }

    // MARK: - Shared

    static func open(_ path: String) throws -> H5File {
        guard FileManager.default.fileExists(atPath: path) else { throw InteropError.cannotOpen(path: path, reason: "no such file") }
        do { return try H5File.open(path) } catch { throw InteropError.cannotOpen(path: path, reason: "not an HDF5 file: \(error)") }
    }

    static func readTensor(_ d: H5Dataset, path: String, tensor: String) throws -> Tensor {
        let shape = try d.shape()
        switch try d.dtype() {
        case .float32: return Tensor(shape: shape, floats: try d.read(as: Float.self), dtype: .float32)
        case .float64: return Tensor(shape: shape, floats: try d.read(as: Double.self).map { Float($0) }, dtype: .float64)
        case .int32: return Tensor(shape: shape, ints: try d.read(as: Int64.self), dtype: .int32)
        case .int64: return Tensor(shape: shape, ints: try d.read(as: Int64.self), dtype: .int64)
        case .uint8: throw InteropError.unsupportedDType(path: path, tensor: tensor, dtype: "uint8")
        case nil: throw InteropError.unsupportedDType(path: path, tensor: tensor, dtype: "a non-numeric HDF5 type")
        }
    }
}
