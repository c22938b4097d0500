import Foundation
import HDF5

/// The foreign formats aezoo reads and writes.
public enum InteropFormat: String, CaseIterable, Sendable, Codable {
    /// TensorFlow 1 name-based checkpoint (Saver, TensorBundle V2). Read only.
    case tf
    /// TensorFlow 2 object-based checkpoint (`tf.train.Checkpoint`). Read only.
    case tf2
    /// Keras legacy HDF5 weights (`save_weights("w.h5")`, tf.keras 2 layout).
    case keras
    /// Keras 3 weights (`save_weights("w.weights.h5")`).
    case keras3
    /// Hugging Face safetensors.
    case safetensors
    /// NumPy archive of `.npy` members.
    case npz
    /// A single NumPy array.
    case npy

    public var canWrite: Bool { self != .tf && self != .tf2 }

    /// Recognises a file by its contents first (magic bytes, HDF5 structure, bundle entries),
    /// then by its name.
    public static func detect(_ path: String) throws -> InteropFormat {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        let name = (path as NSString).lastPathComponent
        let looksLikeBundle = (exists && isDir.boolValue) || name == "checkpoint" || path.hasSuffix(".index")
            || path.range(of: #"\.data-[0-9]{5}-of-[0-9]{5}$"#, options: .regularExpression) != nil
            || (!exists && fm.fileExists(atPath: path + ".index"))
        if looksLikeBundle {
            let bundle = try TensorBundle(path: path)
            return bundle.contains(ObjectGraph.key) ? .tf2 : .tf
        }
        guard exists else { throw InteropError.cannotOpen(path: path, reason: "no such file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InteropError.cannotOpen(path: path, reason: "not readable") }
        let head = [UInt8](handle.readData(ofLength: 16))
        try? handle.close()
        if head.starts(with: [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]) {
            let file = try KerasH5.open(path)
            switch try KerasH5.layout(of: file) {
            case .legacy: return .keras
            case .v3: return .keras3
            case nil: throw InteropError.unknownFormat(path: path)
            }
        }
        if head.starts(with: NPY.magic) { return .npy }
        if head.starts(with: [0x50, 0x4b, 0x03, 0x04]) || head.starts(with: [0x50, 0x4b, 0x05, 0x06]) { return .npz }
        if name.hasSuffix(".safetensors") || (head.count > 8 && head[8] == UInt8(ascii: "{")) { return .safetensors }
        throw InteropError.unknownFormat(path: path)
    }

    /// The format a file name asks for when writing (`.safetensors`, `.npz`, `.npy`,
    /// `.weights.h5` -> keras3, `.h5` -> keras), or nil.
    public static func forOutput(_ path: String) -> InteropFormat? {
        if path.hasSuffix(".weights.h5") { return .keras3 }
        if path.hasSuffix(".h5") || path.hasSuffix(".hdf5") { return .keras }
        if path.hasSuffix(".safetensors") { return .safetensors }
        if path.hasSuffix(".npz") { return .npz }
        if path.hasSuffix(".npy") { return .npy }
        return nil
    }
}
