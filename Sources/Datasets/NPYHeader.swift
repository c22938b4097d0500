/// The header of a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0):
/// `\x93NUMPY`, major, minor, a little-endian header length (u16 for v1, u32 for v2/v3), then a
/// Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, 784), }` padded with
/// spaces and a newline so the data starts on a 64-byte boundary.
///
/// The one NPY header implementation of the package: Datasets streams `.npy` files through it and
/// Interop decodes `.npy` / `.npz` weights with it (hence `package` access).
package struct NPYHeader: Equatable {
    package var descr: String
    package var fortranOrder: Bool
    package var shape: [Int]

    package init(descr: String, fortranOrder: Bool, shape: [Int]) {
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    package static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY
    /// Longest header we accept. NumPy's own reader stops at 10,000 characters by default.
    static let maxHeaderLength = 1 << 20
    /// Spare characters left in a written header so the row count can grow in place (NumPy uses 21).
    static let growthDigits = 21

    /// The element type `descr` names, or nil if aezoo cannot read it.
    var elementType: ElementType? {
        let chars = Array(descr.utf8)
        guard chars.count >= 3, let size = Int(String(decoding: chars[2...], as: UTF8.self)) else { return nil }
        let bigEndian: Bool
        switch chars[0] {
        case UInt8(ascii: "<"), UInt8(ascii: "|"): bigEndian = false
        case UInt8(ascii: ">"): bigEndian = true
        case UInt8(ascii: "="): bigEndian = 1.littleEndian != 1
        default: return nil
        }
        let kind: ElementType.Kind
        switch chars[1] {
        case UInt8(ascii: "u"): kind = .unsigned
        case UInt8(ascii: "i"): kind = .signed
        case UInt8(ascii: "f") where size == 4 || size == 8: kind = .float
        default: return nil
        }
        guard [1, 2, 4, 8].contains(size) else { return nil }
        return ElementType(kind: kind, size: size, bigEndian: bigEndian)
    }

    /// Reads and validates the header; leaves `stream` at the first data byte.
    static func read(from stream: ByteStream) throws -> NPYHeader {
        try read(path: stream.path) { try stream.readBytes($0) }
    }

    /// Decodes the header at the start of an in-memory array (a whole `.npy` file or `.npz`
    /// member); returns it with the offset of the first data byte. Errors are `DatasetError.badFormat`.
    package static func decode(_ bytes: ArraySlice<UInt8>, path: String) throws -> (header: NPYHeader, dataOffset: Int) {
        var position = bytes.startIndex
        let header = try read(path: path) { count in
            guard count <= bytes.endIndex - position else {
                throw DatasetError.truncated(path: path, expectedBytes: count, gotBytes: bytes.endIndex - position)
            }
            defer { position += count }
            return Array(bytes[position..<position + count])
        }
        return (header, position - bytes.startIndex)
    }

    /// The header layout over any byte source: `next(n)` returns exactly `n` bytes or throws
    /// `DatasetError.truncated`.
    private static func read(path: String, next: (Int) throws -> [UInt8]) throws -> NPYHeader {
        let notNPY = DatasetError.badFormat(path: path, reason: "not an NPY file (the magic string is not correct)")
        let prefix: [UInt8]
        do { prefix = try next(8) } catch DatasetError.truncated { throw notNPY }
        guard Array(prefix[0..<6]) == magic else { throw notNPY }
        let major = prefix[6]
        let length: Int
        let lengthBytes: [UInt8]
        switch major {
        case 1, 2, 3:
            do { lengthBytes = try next(major == 1 ? 2 : 4) } catch DatasetError.truncated { throw notNPY }
            length = lengthBytes.reversed().reduce(0) { ($0 << 8) | Int($1) }   // little-endian
        default:
            throw DatasetError.badFormat(path: path, reason: "unsupported NPY format version \(major).\(prefix[7])")
        }
        guard length <= maxHeaderLength else {
            throw DatasetError.badFormat(path: path, reason: "NPY header length \(length) exceeds \(maxHeaderLength)")
        }
        let text: [UInt8]
        do { text = try next(length) } catch DatasetError.truncated {
            throw DatasetError.badFormat(path: path, reason: "NPY header cut short (declares \(length) bytes)")
        }
        return try parse(String(decoding: text, as: UTF8.self), path: path)
    }

    /// Parses the dict literal; rejects anything but the three standard keys.
    static func parse(_ text: String, path: String) throws -> NPYHeader {
        var p = PyLiteralParser(Array(text.utf8), path: path)
        guard case let .dict(entries) = try p.value() else {
            throw DatasetError.badFormat(path: path, reason: "NPY header is not a dict")
        }
        let keys = Set(entries.map(\.0))
        guard keys == ["descr", "fortran_order", "shape"], entries.count == 3 else {
            throw DatasetError.badFormat(path: path, reason: "NPY header does not contain the correct keys: \(entries.map(\.0).sorted())")
        }
        let dict = Dictionary(entries, uniquingKeysWith: { a, _ in a })
        guard case let .string(descr)? = dict["descr"] else {
            throw DatasetError.badFormat(path: path, reason: "NPY descr is not a simple type string (structured dtypes are not supported)")
        }
        guard case let .bool(fortran)? = dict["fortran_order"] else {
            throw DatasetError.badFormat(path: path, reason: "NPY fortran_order is not True or False")
        }
        guard case let .tuple(shape)? = dict["shape"], shape.allSatisfy({ $0 >= 0 }) else {
            throw DatasetError.badFormat(path: path, reason: "NPY shape is not valid")
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    /// The header bytes (magic through newline), padded to a multiple of 64 with room for the first
    /// axis to grow to `growthDigits` digits. Uses version 1.0 unless the header is too long for it.
    package func encoded(paddedTo fixedLength: Int? = nil) -> [UInt8] {
        let dims = shape.map(String.init)
        let shapeText = shape.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }".utf8)
        let growth = Self.growthDigits - (dims.first?.count ?? 0)
        let base = dict.count + 1
        let version: UInt8 = 10 + base + growth > 65_535 ? 2 : 1
        let prefixLength = version == 1 ? 10 : 12
        let total: Int
        if let fixedLength { total = fixedLength } else {
            total = (prefixLength + base + max(growth, 0) + 63) / 64 * 64
        }
        dict += [UInt8](repeating: 0x20, count: total - prefixLength - base) + [0x0A]
        var out = Self.magic + [version, 0]
        if version == 1 {
            withUnsafeBytes(of: UInt16(dict.count).littleEndian) { out += $0 }
        } else {
            withUnsafeBytes(of: UInt32(dict.count).littleEndian) { out += $0 }
        }
        return out + dict
    }
}

/// Just enough of a Python literal parser for NPY headers: dicts, strings, True/False, int tuples.
private struct PyLiteralParser {
    enum Value { case dict([(String, Value)]), string(String), bool(Bool), tuple([Int]), int(Int) }
    let bytes: [UInt8]
    let path: String
    var i = 0

    init(_ bytes: [UInt8], path: String) { self.bytes = bytes; self.path = path }

    func fail(_ what: String) -> DatasetError { .badFormat(path: path, reason: "NPY header: \(what) at character \(i)") }

    mutating func skipSpace() { while i < bytes.count, [0x20, 0x0A, 0x09, 0x0D].contains(bytes[i]) { i += 1 } }

    mutating func expect(_ c: Character) throws {
        skipSpace()
        guard i < bytes.count, bytes[i] == c.asciiValue! else { throw fail("expected '\(c)'") }
        i += 1
    }

    mutating func peek() -> UInt8? { skipSpace(); return i < bytes.count ? bytes[i] : nil }

    /// NPY headers nest two levels (a dict holding a tuple); the bound keeps a hostile header of
    /// nested brackets from exhausting the stack.
    static let maxDepth = 8

    mutating func value(depth: Int = 0) throws -> Value {
        guard depth < Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        switch peek() {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [(String, Value)] = []
            while peek() != UInt8(ascii: "}") {
                guard case let .string(key) = try value(depth: depth + 1) else { throw fail("dict key is not a string") }
                try expect(":")
                entries.append((key, try value(depth: depth + 1)))
                if peek() == UInt8(ascii: ",") { i += 1 } else { break }
            }
            try expect("}")
            return .dict(entries)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            let quote = bytes[i]; i += 1
            let start = i
            while i < bytes.count, bytes[i] != quote { i += 1 }
            guard i < bytes.count else { throw fail("unterminated string") }
            i += 1
            return .string(String(decoding: bytes[start..<(i - 1)], as: UTF8.self))
        case UInt8(ascii: "("):
            i += 1
            var items: [Int] = []
            while peek() != UInt8(ascii: ")") {
                guard case let .int(v) = try value(depth: depth + 1) else { throw fail("shape entry is not an integer") }
                items.append(v)
                if peek() == UInt8(ascii: ",") { i += 1 } else { break }
            }
            try expect(")")
            return .tuple(items)
        case let c? where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c):
            let start = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "L") { i += 1 }   // Python 2 longs
            guard let v = Int(String(decoding: bytes[start..<i].filter { $0 != UInt8(ascii: "L") }, as: UTF8.self)) else {
                throw fail("integer out of range")
            }
            return .int(v)
        case UInt8(ascii: "T") where bytes[i...].starts(with: Array("True".utf8)): i += 4; return .bool(true)
        case UInt8(ascii: "F") where bytes[i...].starts(with: Array("False".utf8)): i += 5; return .bool(false)
        default: throw fail("unexpected token")
        }
    }
}
