/// A bounds-checked little-endian cursor over bytes. Every read that would run past the end throws
/// `InteropError.corrupt` naming the file and what was being read, so hostile input can never trap.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    let path: String
    /// What is being parsed ("index block", "safetensors header"...), used in error messages.
    let context: String

    init(_ bytes: [UInt8], range: Range<Int>? = nil, path: String, context: String) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        self.position = r.lowerBound
        self.end = r.upperBound
        self.path = path
        self.context = context
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    func fail(_ reason: String) -> InteropError {
        .corrupt(path: path, reason: "\(context): \(reason)")
    }

    mutating func readByte() throws -> UInt8 {
        guard position < end else { throw fail("unexpected end of data at byte \(position)") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt32LE() throws -> UInt32 {
        guard remaining >= 4 else { throw fail("unexpected end of data reading 4 bytes at \(position)") }
        defer { position += 4 }
        return Self.uint32LE(bytes, at: position)
    }

    mutating func readUInt64LE() throws -> UInt64 {
        guard remaining >= 8 else { throw fail("unexpected end of data reading 8 bytes at \(position)") }
        defer { position += 8 }
        return UInt64(Self.uint32LE(bytes, at: position)) | UInt64(Self.uint32LE(bytes, at: position + 4)) << 32
    }

    /// A base-128 varint of at most 10 bytes (protobuf / LevelDB encoding).
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw fail("varint overflows 64 bits") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw fail("varint longer than 10 bytes") }
        }
    }

    /// A varint that must fit a non-negative `Int` no larger than `limit`.
    mutating func readLength(limit: Int, what: String) throws -> Int {
        let v = try readVarint()
        guard v <= UInt64(limit) else { throw fail("\(what) \(v) exceeds the \(limit) bytes available") }
        return Int(v)
    }

    mutating func readBytes(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw fail("needs \(n) bytes at \(position), only \(remaining) left") }
        defer { position += n }
        return bytes[position..<position + n]
    }

    mutating func skip(_ n: Int) throws { _ = try readBytes(n) }

    static func uint32LE(_ b: [UInt8], at i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// Little-endian append helpers for writers.
extension Array where Element == UInt8 {
    mutating func appendLE(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func appendLE(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func appendLE(_ v: UInt16) { append(UInt8(v & 0xff)); append(UInt8(v >> 8)) }
}
