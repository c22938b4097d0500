import HDF5

/// Why a checkpoint could not be written, read or restored. Every case names the file (or
/// directory) and, where there is one, the variable, so the message alone says what to fix.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    case fileNotFound(file: String)
    /// Not an HDF5 file at all (wrong signature) — another format, or cut before its superblock.
    case notHDF5(file: String)
    /// HDF5 could not read the file's structure or data: typically a truncated or damaged file.
    case unreadable(file: String, detail: String)
    /// An HDF5 file, but not an aezoo checkpoint (e.g. the format attribute is missing).
    case notACheckpoint(file: String, reason: String)
    case unsupportedVersion(file: String, found: Int64, supported: Int64)
    /// A variable the caller (or the file's own index) requires is absent.
    case missingVariable(file: String, name: String)
    /// The file holds a variable nobody asked for (strict restore), or one missing from its index.
    case unexpectedVariable(file: String, name: String)
    case nonFinite(file: String, variable: String, index: Int, value: Float)
    case shapeMismatch(file: String, variable: String, expected: [Int], found: [Int])
    case dtypeMismatch(file: String, variable: String, expected: String, found: String)
    /// A declared shape larger than the file could honestly hold; nothing was allocated.
    case absurdSize(file: String, variable: String, declaredBytes: Int)
    /// A stored chunk of a variable failed its Fletcher-32, deflate or Adler-32 check, or has the
    /// wrong size: the file was damaged after it was written.
    case corruptChunk(file: String, variable: String, chunk: Int, reason: String)
    /// Stored bytes do not match the checksum recorded at save time.
    case checksumMismatch(file: String, expected: String, found: String)
    case invalidMetadata(file: String, field: String, reason: String)
    case noCheckpoint(directory: String)
    /// The `checkpoint` state file cannot be parsed.
    case invalidStateFile(file: String, line: Int, reason: String)
    /// A file-system call failed (errno text included).
    case io(file: String, operation: String, reason: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .fileNotFound(file): "\(file): no such checkpoint file"
        case let .notHDF5(file): "\(file): not an HDF5 file, so not an aezoo checkpoint (wrong signature, or truncated before the superblock)"
        case let .unreadable(file, detail): "\(file): damaged or truncated checkpoint: \(detail)"
        case let .notACheckpoint(file, reason): "\(file): not an aezoo checkpoint: \(reason)"
        case let .unsupportedVersion(file, found, supported):
            "\(file): checkpoint format version \(found) is not supported (this aezoo reads versions 1...\(supported)); upgrade aezoo"
        case let .missingVariable(file, name): "\(file): variable '\(name)' is missing"
        case let .unexpectedVariable(file, name): "\(file): unexpected variable '\(name)' (not part of the model being restored)"
        case let .nonFinite(file, variable, index, value): "\(file): variable '\(variable)' holds \(value) at element \(index); refusing non-finite weights"
        case let .shapeMismatch(file, variable, expected, found):
            "\(file): variable '\(variable)' has shape \(found) in the checkpoint but the model expects \(expected)"
        case let .dtypeMismatch(file, variable, expected, found):
            "\(file): variable '\(variable)' has dtype \(found) in the checkpoint but the model expects \(expected)"
        case let .absurdSize(file, variable, bytes):
            "\(file): variable '\(variable)' declares \(bytes) bytes, more than the file can hold; refusing to allocate"
        case let .corruptChunk(file, variable, chunk, reason): "\(file): variable '\(variable)' is damaged (chunk \(chunk)): \(reason)"
        case let .checksumMismatch(file, expected, found):
            "\(file): variables do not match their recorded SHA-256 (recorded \(expected), computed \(found)); the file is corrupt"
        case let .invalidMetadata(file, field, reason): "\(file): metadata '\(field)' is invalid: \(reason)"
        case let .noCheckpoint(directory): "\(directory): no checkpoint found (no 'checkpoint' state file naming an existing file)"
        case let .invalidStateFile(file, line, reason): "\(file):\(line): invalid checkpoint state file: \(reason)"
        case let .io(file, operation, reason): "\(file): cannot \(operation): \(reason)"
        case let .invalidArgument(reason): reason
        }
    }

    /// Maps an HDF5-layer failure on `file` to the checkpoint vocabulary.
    static func from(_ error: Error, file: String, variable: String? = nil) -> CheckpointError {
        if let e = error as? CheckpointError { return e }
        guard let h5 = error as? HDF5Error else { return .unreadable(file: file, detail: "\(error)") }
        switch h5 {
        case .fileNotFound: return .fileNotFound(file: file)
        case .notHDF5: return .notHDF5(file: file)
        case let .sizeTooLarge(_, object, declared, _): return .absurdSize(file: file, variable: variable ?? object, declaredBytes: declared)
        case let .corruptChunk(_, object, chunk, reason): return .corruptChunk(file: file, variable: variable ?? object, chunk: chunk, reason: reason)
        case let .library(_, operation, messages):
            return .unreadable(file: file, detail: ([operation] + messages).joined(separator: ": "))
        default: return .unreadable(file: file, detail: h5.description)
        }
    }
}
