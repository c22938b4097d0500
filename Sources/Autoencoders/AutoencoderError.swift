/// Errors from building, loading and training autoencoders. Each names what was wrong.
public enum AutoencoderError: Error, CustomStringConvertible, Equatable {
    /// The `ModelSpec` cannot be built; the message says which field and why.
    case invalidSpec(String)
    /// A `VariableStore` given to `load` lacks a variable the model needs.
    case missingVariable(name: String, expectedShape: [Int])
    /// A `VariableStore` given to `load` has a variable the model does not declare.
    case unexpectedVariable(name: String, shape: [Int])
    /// A variable's shape differs from the model's.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A variable is not float32/float64, or holds a non-finite value.
    case badVariable(name: String, reason: String)
    /// Input data whose width does not match the model.
    case inputWidth(expected: Int, found: Int, context: String)

    public var description: String {
        switch self {
        case .invalidSpec(let m): return "invalid model spec: \(m)"
        case .missingVariable(let n, let s): return "variable '\(n)' (shape \(s)) is missing from the store"
        case .unexpectedVariable(let n, let s): return "variable '\(n)' (shape \(s)) is not part of this model"
        case .shapeMismatch(let n, let e, let f): return "variable '\(n)' has shape \(f), the model needs \(e)"
        case .badVariable(let n, let r): return "variable '\(n)': \(r)"
        case .inputWidth(let e, let f, let ctx): return "\(ctx): data has \(f) columns, the model expects \(e)"
        }
    }
}
