import CBLAS

/// Errors from the LAPACK-backed decompositions.
public enum LinalgError: Error, CustomStringConvertible, Equatable {
    /// A LAPACK routine reported failure (`info` as LAPACK defines it).
    case lapack(routine: String, info: Int)
    /// Arguments that cannot be decomposed (the message says which and why).
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .lapack(routine, info):
            return info > 0 && routine == "dpotrf"
                ? "dpotrf: the matrix is not positive definite (leading minor \(info) is not positive)"
                : "\(routine) failed with info \(info)"
        case .invalidArgument(let m): return m
        }
    }
}

/// Decompositions of symmetric matrices held as row-major `[Double]`, through LAPACKE.
public enum SymmetricDecompositions {
    /// Eigenvalues (ascending) and eigenvectors (column `j` of the row-major `n x n` result is the
    /// eigenvector of eigenvalue `j`) of the symmetric matrix `a`, via `dsyevd`.
    public static func eigen(_ a: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        guard n > 0, a.count == n * n else { throw LinalgError.invalidArgument("eigen: need \(n * n) elements, got \(a.count)") }
        var v = a
        var w = [Double](repeating: 0, count: n)
        OpenBLASRuntime.ensureConfigured()
        let info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(n), &v, Int32(n), &w)
        guard info == 0 else { throw LinalgError.lapack(routine: "dsyevd", info: Int(info)) }
        return (w, v)
    }

    /// The lower Cholesky factor `L` (`a = L L^T`, upper triangle zeroed) via `dpotrf`.
    public static func cholesky(_ a: [Double], n: Int) throws -> [Double] {
        guard n > 0, a.count == n * n else { throw LinalgError.invalidArgument("cholesky: need \(n * n) elements, got \(a.count)") }
        var l = a
        OpenBLASRuntime.ensureConfigured()
        let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), &l, Int32(n))
        guard info == 0 else { throw LinalgError.lapack(routine: "dpotrf", info: Int(info)) }
        for i in 0..<n { for j in (i + 1)..<n { l[i * n + j] = 0 } }
        return l
    }

    /// `X^T X` of the rows of `x` after subtracting `center`, accumulated in Double with `dsyrk`
    /// over blocks of rows (bounded extra memory). Row-major `cols x cols`, both triangles filled.
    public static func centeredGram(_ x: Matrix, center: [Double]) -> [Double] {
        let d = x.cols
        var gram = [Double](repeating: 0, count: d * d)
        let block = 2048
        var buffer = [Double](repeating: 0, count: min(block, max(x.rows, 1)) * d)
        var start = 0
        OpenBLASRuntime.ensureConfigured()
        while start < x.rows {
            let rows = min(block, x.rows - start)
            x.data.withUnsafeBufferPointer { p in
                for r in 0..<rows {
                    let src = (start + r) * d
                    for j in 0..<d { buffer[r * d + j] = Double(p[src + j]) - center[j] }
                }
            }
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(rows), 1, buffer, Int32(d), 1, &gram, Int32(d))
            start += rows
        }
        for i in 0..<d { for j in 0..<i { gram[i * d + j] = gram[j * d + i] } }
        return gram
    }

    /// Column means of `x`, accumulated in Double.
    public static func columnMeans(_ x: Matrix) -> [Double] {
        var sums = [Double](repeating: 0, count: x.cols)
        x.data.withUnsafeBufferPointer { p in
            for r in 0..<x.rows { let o = r * x.cols; for j in 0..<x.cols { sums[j] += Double(p[o + j]) } }
        }
        return sums.map { $0 / Double(max(x.rows, 1)) }
    }
}
