/// A dense, row-major matrix of `Float`: rows are samples, columns are features.
///
/// `Matrix` is the one numeric type that flows between aezoo's modules. Storage is a
/// contiguous `[Float]` of `rows * cols` elements, element `(i, j)` at `i * cols + j`.
///
/// ```swift
/// var x = Matrix(rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6])
/// x[1, 2] = 0
/// let w = Matrix.zeros(rows: 3, cols: 4)
/// let y = x.matmul(w)            // 2 x 4, through OpenBLAS sgemm
/// ```
///
/// Products go through BLAS (see `Matrix+BLAS.swift`); elementwise work through the fused
/// kernels in `Matrix+Elementwise.swift`. Training code keeps `Matrix` buffers alive across steps
/// and writes into them with the `into:` variants, so a step allocates nothing.
public struct Matrix: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    /// Row-major elements, `rows * cols` of them.
    public var data: [Float]

    /// A matrix over `data` (row-major). `data.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, data: [Float]) {
        precondition(rows >= 0 && cols >= 0 && data.count == rows * cols,
                     "Matrix(\(rows)x\(cols)) needs \(rows * cols) elements, got \(data.count)")
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    /// A matrix of `rows x cols` filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        self.init(rows: rows, cols: cols, data: [Float](repeating: value, count: rows * cols))
    }

    public static func zeros(rows: Int, cols: Int) -> Matrix { Matrix(rows: rows, cols: cols) }

    /// A 1 x n row vector.
    public init(row: [Float]) { self.init(rows: 1, cols: row.count, data: row) }

    public var count: Int { rows * cols }
    public var shape: [Int] { [rows, cols] }

    @inlinable
    public subscript(row: Int, col: Int) -> Float {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    /// Row `i` as an array (a copy).
    public func row(_ i: Int) -> [Float] { Array(data[(i * cols)..<((i + 1) * cols)]) }

    /// Rows `range` as a new matrix (a copy).
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, data: Array(data[(range.lowerBound * cols)..<(range.upperBound * cols)]))
    }

    /// Rows at `indices`, in that order, as a new matrix.
    public func gathering(rows indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        gather(rows: indices, into: &out)
        return out
    }

    /// Copies rows at `indices` into `out`, which must already be `indices.count x cols`.
    public func gather(rows indices: some Collection<Int>, into out: inout Matrix) {
        precondition(out.rows == indices.count && out.cols == cols, "gather: output is \(out.rows)x\(out.cols), need \(indices.count)x\(cols)")
        let c = cols
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    (dst.baseAddress! + k * c).update(from: src.baseAddress! + i * c, count: c)
                }
            }
        }
    }

    /// The transpose, as a new matrix.
    public var transposed: Matrix {
        var out = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { out.data[j * rows + i] = data[i * cols + j] } }
        return out
    }

    /// Changes the logical shape without touching the data, reusing capacity. Used to resize
    /// preallocated buffers for a short final batch: shrinking never reallocates.
    public mutating func reshape(rows: Int, cols: Int) {
        let n = rows * cols
        if n != data.count {
            if n < data.count { data.removeLast(data.count - n) } else { data.append(contentsOf: repeatElement(0, count: n - data.count)) }
        }
        self.rows = rows
        self.cols = cols
    }

    /// Vertically stacks matrices with the same column count.
    public static func vstack(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
        var data: [Float] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts {
            precondition(p.cols == first.cols, "vstack: column counts differ (\(first.cols) vs \(p.cols))")
            data.append(contentsOf: p.data)
        }
        return Matrix(rows: data.count / max(first.cols, 1), cols: first.cols, data: data)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String { "Matrix(\(rows)x\(cols))" }
}
