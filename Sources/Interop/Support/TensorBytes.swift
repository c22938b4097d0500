import Linalg

/// Conversion between `Tensor` values and their raw bytes in a file.
enum TensorBytes {
    /// Decodes raw elements (already checked to be `shape` x `dtype` bytes long).
    static func decode(_ data: ArraySlice<UInt8>, dtype: DType, shape: [Int], bigEndian: Bool = false) -> Tensor {
        let n = shape.reduce(1, *)
        let size = dtype.byteSize
        let base = data.startIndex
        @inline(__always) func word(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            let start = base + i * size
            if bigEndian {
                for k in 0..<size { v = v << 8 | UInt64(data[start + k]) }
            } else {
                for k in (0..<size).reversed() { v = v << 8 | UInt64(data[start + k]) }
            }
            return v
        }
        switch dtype {
        case .float32: return Tensor(shape: shape, floats: (0..<n).map { Float(bitPattern: UInt32(word($0))) }, dtype: .float32)
        case .float64: return Tensor(shape: shape, floats: (0..<n).map { Float(Double(bitPattern: word($0))) }, dtype: .float64)
        case .int32: return Tensor(shape: shape, ints: (0..<n).map { Int64(Int32(bitPattern: UInt32(word($0)))) }, dtype: .int32)
        case .int64: return Tensor(shape: shape, ints: (0..<n).map { Int64(bitPattern: word($0)) }, dtype: .int64)
        }
    }

    /// Little-endian bytes of the tensor in its own dtype (float64 tensors are widened from Float).
    static func encode(_ t: Tensor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(t.byteCount)
        switch t.dtype {
        case .float32: for v in t.floats { out.appendLE(v.bitPattern) }
        case .float64: for v in t.floats { out.appendLE(Double(v).bitPattern) }
        case .int32: for v in t.ints { out.appendLE(UInt32(bitPattern: Int32(truncatingIfNeeded: v))) }
        case .int64: for v in t.ints { out.appendLE(UInt64(bitPattern: v)) }
        }
        return out
    }
}
