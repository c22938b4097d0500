/// Elementwise kernels and reductions. Each is one pass over contiguous memory; the `into:`
/// forms write into a preallocated buffer so a training step allocates nothing.
extension Matrix {
    /// Multiplies every element by `s`.
    public mutating func scale(by s: Float) {
        data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= s } }
    }

    /// Fills every element with `value`.
    public mutating func fill(_ value: Float) {
        data.withUnsafeMutableBufferPointer { p in p.update(repeating: value) }
    }

    /// `self += alpha * other` (same shape).
    public mutating func add(_ other: Matrix, scaledBy alpha: Float = 1) {
        precondition(other.rows == rows && other.cols == cols, "add: \(self) vs \(other)")
        data.withUnsafeMutableBufferPointer { p in
            other.data.withUnsafeBufferPointer { q in for i in p.indices { p[i] += alpha * q[i] } }
        }
    }

    /// Adds the row vector `bias` (length `cols`) to every row.
    public mutating func addRowVector(_ bias: [Float]) {
        precondition(bias.count == cols, "addRowVector: bias has \(bias.count), need \(cols)")
        let c = cols
        data.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { b in
                for r in 0..<rows { let base = r * c; for j in 0..<c { p[base + j] += b[j] } }
            }
        }
    }

    /// Applies `f` to each element in place.
    @inlinable
    public mutating func apply(_ f: (Float) -> Float) {
        data.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = f(p[i]) } }
    }

    /// Column sums written into `out` (length `cols`), accumulated in Double for stability.
    public func columnSums(into out: inout [Float]) {
        precondition(out.count == cols, "columnSums: output has \(out.count), need \(cols)")
        let c = cols
        data.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                o.update(repeating: 0)
                // Row-wise accumulation keeps the inner loop contiguous and vectorizable.
                for r in 0..<rows { let base = r * c; for j in 0..<c { o[j] += p[base + j] } }
            }
        }
    }

    /// Mean of each column.
    public func columnMeans() -> [Float] {
        var out = [Float](repeating: 0, count: cols)
        columnSums(into: &out)
        let inv = rows > 0 ? 1 / Float(rows) : 0
        for j in out.indices { out[j] *= inv }
        return out
    }

    /// Sum of all elements, accumulated in Double.
    public func sum() -> Double {
        data.withUnsafeBufferPointer { p in var s = 0.0; for v in p { s += Double(v) }; return s }
    }

    /// Sum of squares of all elements, accumulated in Double.
    public func sumOfSquares() -> Double {
        data.withUnsafeBufferPointer { p in var s = 0.0; for v in p { s += Double(v) * Double(v) }; return s }
    }

    /// Mean squared difference to `other`, over all elements.
    public func meanSquaredError(to other: Matrix) -> Double {
        precondition(other.rows == rows && other.cols == cols, "meanSquaredError: \(self) vs \(other)")
        guard count > 0 else { return 0 }
        return data.withUnsafeBufferPointer { p in
            other.data.withUnsafeBufferPointer { q in
                var s = 0.0
                for i in p.indices { let d = Double(p[i]) - Double(q[i]); s += d * d }
                return s / Double(p.count)
            }
        }
    }

    /// True when every element is finite (no NaN, no infinity).
    public var isFinite: Bool { data.allSatisfy { $0.isFinite } }

    public var minimum: Float { data.min() ?? 0 }
    public var maximum: Float { data.max() ?? 0 }
}
