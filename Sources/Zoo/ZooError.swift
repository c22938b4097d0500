/// Why the zoo refused a registry, an entry or a checkpoint. Every case names the file or entry.
public enum ZooError: Error, CustomStringConvertible, Equatable {
    case registryMissing(path: String)
    case registryInvalid(path: String, entry: String?, field: String, reason: String)
    case unknownModel(id: String, known: [String])
    case duplicateID(id: String)
    case pathEscapesZoo(entry: String, path: String)
    case checkpointMissing(entry: String, path: String)
    case unreadable(path: String, reason: String)
    case checksumMismatch(entry: String, path: String, expected: String, actual: String)
    case sizeMismatch(entry: String, path: String, expected: Int, actual: Int)
    case buildFailed(entry: String, reason: String)
    case exportInvalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .registryMissing(path):
            "\(path): no zoo registry here"
        case let .registryInvalid(path, entry, field, reason):
            "\(path): " + (entry.map { "entry '\($0)': " } ?? "") + "field '\(field)': \(reason)"
        case let .unknownModel(id, known):
            "unknown model '\(id)'; the zoo has: \(known.joined(separator: ", "))"
        case let .duplicateID(id):
            "the registry lists '\(id)' twice"
        case let .pathEscapesZoo(entry, path):
            "entry '\(entry)': checkpoint path '\(path)' leaves the zoo directory (absolute, '..' or a symlink out); refused"
        case let .checkpointMissing(entry, path):
            "entry '\(entry)': checkpoint \(path) does not exist"
        case let .unreadable(path, reason):
            "\(path): cannot read: \(reason)"
        case let .checksumMismatch(entry, path, expected, actual):
            "entry '\(entry)': \(path): SHA-256 is \(actual), the registry says \(expected); the file was changed or corrupted, refused"
        case let .sizeMismatch(entry, path, expected, actual):
            "entry '\(entry)': \(path): \(actual) bytes, the registry says \(expected); refused"
        case let .buildFailed(entry, reason):
            "entry '\(entry)': build failed: \(reason)"
        case let .exportInvalid(path, reason):
            "\(path): not a valid zoo export: \(reason)"
        }
    }
}
