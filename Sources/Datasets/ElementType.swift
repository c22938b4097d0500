import Foundation

/// A stored numeric element: its kind, width and byte order. IDX files and NPY files both describe
/// their elements this way, and both are decoded to `Float` by the same loop.
struct ElementType: Equatable, Sendable {
    enum Kind: Sendable { case unsigned, signed, float }
    var kind: Kind
    var size: Int
    var bigEndian: Bool

    /// True for unsigned bytes, the type `PixelRange.auto` scales by 1/255.
    var isByte: Bool { kind == .unsigned && size == 1 }

    static let uint8 = ElementType(kind: .unsigned, size: 1, bigEndian: false)
    static let float32LE = ElementType(kind: .float, size: 4, bigEndian: false)

    /// Converts `count` packed elements at `src` into floats at `dst`, times `scale`.
    func decode(_ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>, scale: Float) {
        let swap = bigEndian != (1.littleEndian != 1)   // true when file order differs from the host's
        switch (kind, size) {
        case (.unsigned, 1):
            let p = src.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count { dst[i] = Float(p[i]) * scale }
        case (.signed, 1):
            let p = src.assumingMemoryBound(to: Int8.self)
            for i in 0..<count { dst[i] = Float(p[i]) * scale }
        case (.float, 4) where !swap:
            if scale == 1 {
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            } else {
                for i in 0..<count { dst[i] = src.loadUnaligned(fromByteOffset: i * 4, as: Float.self) * scale }
            }
        default:
            for i in 0..<count { dst[i] = Float(load(src, i, swap)) * scale }
        }
    }

    /// One element as a Double (used for the odd types and for labels).
    func load(_ src: UnsafeRawPointer, _ i: Int, _ swap: Bool) -> Double {
        let o = i * size
        switch (kind, size) {
        case (.unsigned, 1): return Double(src.load(fromByteOffset: o, as: UInt8.self))
        case (.signed, 1): return Double(src.load(fromByteOffset: o, as: Int8.self))
        case (.unsigned, 2): return Double(fix(src.loadUnaligned(fromByteOffset: o, as: UInt16.self), swap))
        case (.signed, 2): return Double(Int16(bitPattern: fix(src.loadUnaligned(fromByteOffset: o, as: UInt16.self), swap)))
        case (.unsigned, 4): return Double(fix(src.loadUnaligned(fromByteOffset: o, as: UInt32.self), swap))
        case (.signed, 4): return Double(Int32(bitPattern: fix(src.loadUnaligned(fromByteOffset: o, as: UInt32.self), swap)))
        case (.unsigned, 8): return Double(fix(src.loadUnaligned(fromByteOffset: o, as: UInt64.self), swap))
        case (.signed, 8): return Double(Int64(bitPattern: fix(src.loadUnaligned(fromByteOffset: o, as: UInt64.self), swap)))
        case (.float, 4): return Double(Float(bitPattern: fix(src.loadUnaligned(fromByteOffset: o, as: UInt32.self), swap)))
        case (.float, 8): return Double(bitPattern: fix(src.loadUnaligned(fromByteOffset: o, as: UInt64.self), swap))
        default: return .nan
        }
    }

    /// Decodes `count` elements as integers (labels). Returns nil if one is not a whole number.
    func decodeIntegers(_ src: UnsafeRawPointer, count: Int) -> [Int]? {
        let swap = bigEndian != (1.littleEndian != 1)
        var out = [Int](repeating: 0, count: count)
        for i in 0..<count {
            let v = load(src, i, swap)
            guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else { return nil }
            out[i] = Int(v)
        }
        return out
    }

    private func fix<T: FixedWidthInteger>(_ v: T, _ swap: Bool) -> T { swap ? v.byteSwapped : v }
}
