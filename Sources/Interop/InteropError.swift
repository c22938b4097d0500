/// Why a foreign model file could not be read or written. Every case names the file, and where a
/// single tensor is at fault, the tensor too, so a user knows exactly what to look at.
public enum InteropError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file (or a companion such as a data shard) is absent or unreadable.
    case cannotOpen(path: String, reason: String)
    /// The bytes do not follow the format (bad magic, truncated block, malformed header...).
    case corrupt(path: String, reason: String)
    /// A stored checksum disagrees with the bytes read.
    case checksumMismatch(path: String, what: String, stored: UInt32, computed: UInt32)
    /// A tensor has an element type aezoo cannot represent.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A tensor's declared shape, size or location is inconsistent.
    case badTensor(path: String, tensor: String, reason: String)
    /// A valid file that uses a feature aezoo does not implement (e.g. Snappy blocks, partitioned variables).
    case unsupported(path: String, reason: String)
    /// A Keras file whose layers do not match the model being mapped.
    case unexpectedLayer(path: String, layer: String, reason: String)
    /// No format could be recognised from the file name or its first bytes.
    case unknownFormat(path: String)
    /// The variables cannot be mapped onto an aezoo model (ambiguous structure, bad mapping file...).
    case mapping(reason: String)
    /// Writing failed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .corrupt(path, reason): "\(path): corrupt file: \(reason)"
        case let .checksumMismatch(path, what, stored, computed):
            "\(path): checksum mismatch for \(what): stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)) on the bytes read"
        case let .unsupportedDType(path, tensor, dtype):
            "\(path): tensor '\(tensor)' has element type \(dtype); aezoo reads float32, float64, int32 and int64 only"
        case let .badTensor(path, tensor, reason): "\(path): tensor '\(tensor)': \(reason)"
        case let .unsupported(path, reason): "\(path): unsupported: \(reason)"
        case let .unexpectedLayer(path, layer, reason): "\(path): layer '\(layer)': \(reason)"
        case let .unknownFormat(path): "\(path): cannot tell the format from the name or contents; pass it explicitly (tf, tf2, keras, safetensors, npz, npy)"
        case let .mapping(reason): "cannot map variables: \(reason)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        }
    }
}
