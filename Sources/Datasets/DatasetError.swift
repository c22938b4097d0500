/// Why a dataset could not be read or written. Every case names the file (or the option) at fault,
/// so the command line can print `error: <file>: <what>` without adding context.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case badFormat(path: String, reason: String)
    case truncated(path: String, expectedBytes: Int, gotBytes: Int)
    case shapeMismatch(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    /// A reading or writing option (a flag on the command line) that cannot be honoured.
    case badOption(option: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
        case let .badFormat(path, reason): "\(path): \(reason)"
        case let .truncated(path, expected, got): "\(path): truncated: expected \(expected) bytes of data, found \(got)"
        case let .shapeMismatch(path, reason): "\(path): \(reason)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        case let .badOption(option, reason): "\(option): \(reason)"
        }
    }

    /// The file or option the error is about.
    public var subject: String {
        switch self {
        case let .cannotOpen(path, _), let .badFormat(path, _), let .truncated(path, _, _),
             let .shapeMismatch(path, _), let .cannotWrite(path, _): path
        case let .badOption(option, _): option
        }
    }
}
