import Foundation
import Linalg

/// Variables read from a foreign file, under aezoo's TensorFlow-1-style names.
public struct ImportedModel: Sendable {
    /// `dense/kernel`, `dense/kernel/Adam`, `beta1_power`, `weights1`, ... in model order.
    public var variables: VariableStore
    /// aezoo name -> where the value was in the source file (key, dataset path or member).
    public var sourceNames: [String: String]
    /// String facts from the source: safetensors `__metadata__`, Keras version, learning rate,
    /// and notes about anything synthesized or skipped.
    public var metadata: [String: String]
    public var format: InteropFormat
    /// The file or checkpoint it was read from (used in error messages).
    public var path: String

    public init(variables: VariableStore, sourceNames: [String: String] = [:], metadata: [String: String] = [:], format: InteropFormat, path: String = "") {
        self.variables = variables
        self.path = path
        self.sourceNames = sourceNames
        self.metadata = metadata
        self.format = format
    }
}

/// One door for every foreign format: what `aezoo convert` calls.
///
/// ```swift
/// let model = try Interop.read("runs/tf1")                    // format detected
/// try Interop.write(model.variables, metadata: [:], to: "ae.safetensors", format: .safetensors)
/// ```
public enum Interop {
    /// Metadata key under which aezoo stores its ModelSpec JSON in safetensors files.
    public static let specMetadataKey = "aezoo_spec"

    public static func read(_ path: String, format: InteropFormat? = nil) throws -> ImportedModel {
        var model = try readUnlabelled(path, format: format)
        model.path = path
        return model
    }

    static func readUnlabelled(_ path: String, format: InteropFormat?) throws -> ImportedModel {
        let format = try format ?? InteropFormat.detect(path)
        switch format {
        case .tf, .tf2:
            let r = try TensorFlowCheckpoint.read(path: path)
            return ImportedModel(variables: r.variables, sourceNames: r.sourceNames, metadata: r.metadata, format: r.isObjectBased ? .tf2 : .tf)
        case .keras, .keras3:
            let r = try KerasH5.read(path)
            return ImportedModel(variables: r.variables, sourceNames: r.sourceNames, metadata: r.metadata,
                                 format: r.metadata["source_format"] == "keras3" ? .keras3 : .keras)
        case .safetensors:
            let (vars, metadata) = try Safetensors.read(path)
            return ImportedModel(variables: vars, sourceNames: identity(vars), metadata: metadata, format: .safetensors)
        case .npz:
            let vars = try NPZ.read(path)
            return ImportedModel(variables: vars, sourceNames: identity(vars), format: .npz)
        case .npy:
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            return ImportedModel(variables: VariableStore([(name, try NPY.read(path))]), sourceNames: [name: path], format: .npy)
        }
    }

    /// Writes variables in `format`. `metadata` goes into safetensors' `__metadata__`; other
    /// formats have no place for it.
    public static func write(_ variables: VariableStore, metadata: [String: String] = [:], to path: String, format: InteropFormat) throws {
        switch format {
        case .tf, .tf2:
            throw InteropError.cannotWrite(path: path, reason: "aezoo reads TensorFlow checkpoints but does not write them; use safetensors, npz or keras")
        case .keras: try KerasH5.write(variables, to: path, layout: .legacy)
        case .keras3: try KerasH5.write(variables, to: path, layout: .v3)
        case .safetensors: try Safetensors.write(variables, metadata: metadata, to: path)
        case .npz: try NPZ.write(variables, to: path)
        case .npy:
            guard variables.count == 1, let name = variables.names.first else {
                throw InteropError.cannotWrite(path: path, reason: ".npy holds one array, got \(variables.count) variables; use npz")
            }
            try NPY.write(variables[name]!, to: path)
        }
    }

    static func identity(_ v: VariableStore) -> [String: String] {
        Dictionary(uniqueKeysWithValues: v.names.map { ($0, $0) })
    }
}
