import CBLAS

/// Whether a BLAS operand is read as stored or transposed. Transposes are BLAS flags, never copies.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
    /// `c = alpha * op(a) * op(b) + beta * c` through OpenBLAS `sgemm`.
    ///
    /// `c` must already have the result shape; with `beta == 0` its contents are ignored.
    /// This is the training hot path: it allocates nothing.
    public static func gemm(_ a: Matrix, _ ta: Transpose = .none, _ b: Matrix, _ tb: Transpose = .none,
                            into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
        let m = ta == .none ? a.rows : a.cols
        let k = ta == .none ? a.cols : a.rows
        let kb = tb == .none ? b.rows : b.cols
        let n = tb == .none ? b.cols : b.rows
        precondition(k == kb, "gemm: inner dimensions differ (\(a) \(ta) x \(b) \(tb))")
        precondition(c.rows == m && c.cols == n, "gemm: output is \(c), need \(m)x\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 { c.scale(by: beta); return }
        OpenBLASRuntime.ensureConfigured()
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor, ta.cblas, tb.cblas, Int32(m), Int32(n), Int32(k),
                                alpha, pa.baseAddress, Int32(a.cols), pb.baseAddress, Int32(b.cols),
                                beta, pc.baseAddress, Int32(n))
                }
            }
        }
    }

    /// `c = alpha * a * b + beta * c`, neither operand transposed.
    public static func gemm(_ a: Matrix, _ b: Matrix, into c: inout Matrix, alpha: Float = 1, beta: Float = 0) {
        gemm(a, .none, b, .none, into: &c, alpha: alpha, beta: beta)
    }

    /// `op(self) * op(other)` as a new matrix.
    public func matmul(_ other: Matrix, _ ta: Transpose = .none, _ tb: Transpose = .none) -> Matrix {
        let m = ta == .none ? rows : cols
        let n = tb == .none ? other.cols : other.rows
        var c = Matrix(rows: m, cols: n)
        Matrix.gemm(self, ta, other, tb, into: &c)
        return c
    }
}
