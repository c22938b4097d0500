import Datasets
import Foundation
import Linalg

/// NumPy's `.npy` format: `\x93NUMPY`, a version, a header length, a Python-literal header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (16, 8), }`, then the raw elements.
/// Reads versions 1-3 (little- or big-endian f4/f8/i4/i8, C or Fortran order); writes version 1.
public enum NPY {
    static var magic: [UInt8] { NPYHeader.magic }

    public static func read(_ path: String) throws -> Tensor {
        try parse(readFile(path)[...], path: path, name: path)
    }

    /// Decodes one array; `name` is used in errors (the npz member name for archives). The header
    /// is Datasets' `NPYHeader`, the one NPY header parser of the package.
    static func parse(_ bytes: ArraySlice<UInt8>, path: String, name: String) throws -> Tensor {
        func bad(_ reason: String) -> InteropError { .badTensor(path: path, tensor: name, reason: reason) }
        let header: NPYHeader, dataOffset: Int
        do { (header, dataOffset) = try NPYHeader.decode(bytes, path: path) } catch let DatasetError.badFormat(_, reason) {
            throw bad(reason)
        } catch {
            throw bad("\(error)")
        }
        let little: Bool
        switch header.descr.first {
        case "<", "|": little = true
        case ">": little = false
        default: throw bad("dtype '\(header.descr)' has no byte order")
        }
        let dtype: DType
        switch header.descr.dropFirst() {
        case "f4": dtype = .float32
        case "f8": dtype = .float64
        case "i4": dtype = .int32
        case "i8": dtype = .int64
        default: throw InteropError.unsupportedDType(path: path, tensor: name, dtype: header.descr)
        }
        guard let size = checkedByteCount(header.shape, elementSize: dtype.byteSize) else { throw bad("shape \(header.shape) is too large") }
        let data = bytes.dropFirst(dataOffset)
        guard Int64(data.count) >= size else {
            throw bad("needs \(size) bytes of data for shape \(header.shape), file has \(data.count) (file seems not fully written?)")
        }
        let tensor = TensorBytes.decode(data.prefix(Int(size)), dtype: dtype, shape: header.shape, bigEndian: !little)
        return header.fortranOrder ? cOrder(fromFortran: tensor) : tensor
    }

    /// Column-major storage -> row-major.
    static func cOrder(fromFortran t: Tensor) -> Tensor {
        guard t.shape.count >= 2 else { return t }
        let dims = t.shape
        let n = t.elementCount
        var perm = [Int](repeating: 0, count: n)
        var idx = [Int](repeating: 0, count: dims.count)
        for c in 0..<n {  // c = row-major position; compute its column-major position
            var f = 0, stride = 1
            for k in 0..<dims.count { f += idx[k] * stride; stride *= dims[k] }
            perm[c] = f
            var k = dims.count - 1
            while k >= 0 { idx[k] += 1; if idx[k] < dims[k] { break }; idx[k] = 0; k -= 1 }
        }
        if t.isFloating { return Tensor(shape: dims, floats: perm.map { t.floats[$0] }, dtype: t.dtype) }
        return Tensor(shape: dims, ints: perm.map { t.ints[$0] }, dtype: t.dtype)
    }

    /// Version 1.0 bytes of a tensor, header padded to 64 bytes as numpy does.
    static func encode(_ t: Tensor) -> [UInt8] {
        let descr = ["float32": "<f4", "float64": "<f8", "int32": "<i4", "int64": "<i8"][t.dtype.rawValue]!
        return NPYHeader(descr: descr, fortranOrder: false, shape: t.shape).encoded() + TensorBytes.encode(t)
    }

    public static func write(_ t: Tensor, to path: String) throws {
        try writeAtomically(encode(t), to: path)
    }
}
