/// The element types a stored variable can have. Training uses `float32`; step counters are `int64`.
public enum DType: String, Codable, Sendable, CaseIterable {
    case float32, float64, int32, int64

    public var byteSize: Int {
        switch self { case .float32, .int32: 4; case .float64, .int64: 8 }
    }
}

/// A named variable's value: a shape and its elements.
///
/// Floating tensors keep their values as `Float` (aezoo trains in float32); integer tensors
/// (e.g. `global_step`) keep theirs as `Int64` so counters round-trip exactly.
///
/// ```swift
/// let k = Tensor(shape: [784, 200], floats: weights)
/// let step = Tensor(scalar: Int64(1200))
/// ```
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var dtype: DType
    /// Elements for `float32` / `float64` tensors (row-major); empty for integer tensors.
    public var floats: [Float]
    /// Elements for `int32` / `int64` tensors; empty for floating tensors.
    public var ints: [Int64]

    public init(shape: [Int], floats: [Float], dtype: DType = .float32) {
        precondition(dtype == .float32 || dtype == .float64)
        precondition(shape.reduce(1, *) == floats.count, "Tensor shape \(shape) needs \(shape.reduce(1, *)) elements, got \(floats.count)")
        self.shape = shape; self.dtype = dtype; self.floats = floats; self.ints = []
    }

    public init(shape: [Int], ints: [Int64], dtype: DType = .int64) {
        precondition(dtype == .int32 || dtype == .int64)
        precondition(shape.reduce(1, *) == ints.count, "Tensor shape \(shape) needs \(shape.reduce(1, *)) elements, got \(ints.count)")
        self.shape = shape; self.dtype = dtype; self.floats = []; self.ints = ints
    }

    /// A rank-0 float tensor.
    public init(scalar: Float) { self.init(shape: [], floats: [scalar]) }
    /// A rank-0 int64 tensor.
    public init(scalar: Int64) { self.init(shape: [], ints: [scalar]) }

    /// A rank-2 tensor holding a matrix.
    public init(_ m: Matrix) { self.init(shape: [m.rows, m.cols], floats: m.data) }
    /// A rank-1 tensor holding a vector.
    public init(vector: [Float]) { self.init(shape: [vector.count], floats: vector) }

    public var elementCount: Int { shape.reduce(1, *) }
    public var isFloating: Bool { dtype == .float32 || dtype == .float64 }
    public var byteCount: Int { elementCount * dtype.byteSize }

    /// The tensor as a matrix: rank 2 as is, rank 1 as a single row, rank 0 as 1x1.
    public var matrix: Matrix {
        let values = isFloating ? floats : ints.map { Float($0) }
        switch shape.count {
        case 0: return Matrix(rows: 1, cols: 1, data: values)
        case 1: return Matrix(rows: 1, cols: shape[0], data: values)
        default: return Matrix(rows: shape[0], cols: shape.dropFirst().reduce(1, *), data: values)
        }
    }

    /// The first element as a Double (for scalars such as `beta1_power`).
    public var scalarValue: Double { isFloating ? Double(floats.first ?? 0) : Double(ints.first ?? 0) }
}

/// An ordered map from TensorFlow-style variable names to tensors: the unit a checkpoint saves
/// and restores. Order is insertion order, so files list variables the way the model declares them.
public struct VariableStore: Equatable, Sendable, Sequence {
    public private(set) var names: [String] = []
    private var values: [String: Tensor] = [:]

    public init() {}
    public init(_ pairs: [(String, Tensor)]) { for (n, t) in pairs { self[n] = t } }

    public subscript(name: String) -> Tensor? {
        get { values[name] }
        set {
            if let v = newValue {
                if values.updateValue(v, forKey: name) == nil { names.append(name) }
            } else if values.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }
    public func contains(_ name: String) -> Bool { values[name] != nil }

    public func makeIterator() -> some IteratorProtocol<(name: String, tensor: Tensor)> {
        names.lazy.map { (name: $0, tensor: self.values[$0]!) }.makeIterator()
    }
}
