/// Why a picture could not be made or written. Cases name the file or the input at fault.
public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// The input cannot be drawn as asked (wrong sizes, no data, bad option).
    case badInput(what: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badInput(what, reason): "\(what): \(reason)"
        case let .cannotWrite(path, reason): "\(path): cannot write: \(reason)"
        }
    }
}
