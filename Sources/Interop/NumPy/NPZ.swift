import CZlib
import Foundation
import Linalg

/// NumPy's `.npz`: a ZIP archive with one `<name>.npy` member per array. Reads stored and
/// deflated members (`np.savez` / `np.savez_compressed`), including the Zip64 fields numpy
/// always writes; checks each member's CRC-32 and refuses members that would inflate beyond
/// their declared size (zip bombs). Writes stored members, which `np.load` reads directly.
///
/// ```swift
/// try NPZ.write(store, to: "weights.npz")     // np.load("weights.npz")["dense/kernel"]
/// let store = try NPZ.read("weights.npz")
/// ```
public enum NPZ {
    /// Upper bound for one inflated member; larger arrays are out of scope for an autoencoder zoo.
    public static let maxMemberBytes = 1 << 32

    public static func read(_ path: String) throws -> VariableStore {
        let bytes = try readFile(path)
        var store = VariableStore()
        for member in try ZipReader.members(bytes, path: path) {
            guard member.name.hasSuffix(".npy") else { continue }
            let name = String(member.name.dropLast(4))
            let data = try ZipReader.contents(of: member, in: bytes, path: path, limit: maxMemberBytes)
            store[name] = try NPY.parse(data[...], path: path, name: name)
        }
        return store
    }

    public static func write(_ store: VariableStore, to path: String) throws {
        var zip = ZipWriter()
        for (name, tensor) in store { try zip.addStored(name + ".npy", NPY.encode(tensor), path: path) }
        try writeAtomically(zip.finish(), to: path)
    }
}

/// The parts of the ZIP format numpy uses: central directory, Zip64 extensions, stored/deflate.
enum ZipReader {
    struct Member { var name: String; var method: UInt16; var crc: UInt32; var compressedSize: Int; var size: Int; var localOffset: Int }

    static func members(_ b: [UInt8], path: String) throws -> [Member] {
        func bad(_ reason: String) -> InteropError { .corrupt(path: path, reason: "zip: \(reason)") }
        // The end-of-central-directory record sits in the last 22 + 65535 bytes.
        guard b.count >= 22 else { throw bad("file too short for a zip archive") }
        var eocd = -1
        var i = b.count - 22
        while i >= max(0, b.count - 22 - 65535) {
            if b[i] == 0x50, b[i + 1] == 0x4b, b[i + 2] == 5, b[i + 3] == 6 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw bad("no end-of-central-directory record (not a zip file)") }
        var r = ByteReader(b, range: eocd..<b.count, path: path, context: "zip directory")
        try r.skip(10)
        var count = Int(try readU16(&r))
        var cdSize = Int(try r.readUInt32LE())
        var cdOffset = Int(try r.readUInt32LE())
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // Zip64: a locator right before the EOCD points at the Zip64 EOCD record.
            guard eocd >= 20, ByteReader.uint32LE(b, at: eocd - 20) == 0x0706_4b50 else { throw bad("Zip64 locator missing") }
            var loc = ByteReader(b, range: eocd - 20..<eocd, path: path, context: "zip64 locator")
            try loc.skip(8)
            let z = try loc.readUInt64LE()
            guard z <= UInt64(b.count - 56) else { throw bad("Zip64 record offset outside the file") }
            var z64 = ByteReader(b, range: Int(z)..<b.count, path: path, context: "zip64 directory")
            guard try z64.readUInt32LE() == 0x0606_4b50 else { throw bad("bad Zip64 record signature") }
            try z64.skip(20)
            let n = try z64.readUInt64LE(), size = try z64.readUInt64LE(), off = try z64.readUInt64LE()
            guard n <= UInt64(b.count), size <= UInt64(b.count), off <= UInt64(b.count) else { throw bad("Zip64 directory fields exceed the file") }
            (count, cdSize, cdOffset) = (Int(n), Int(size), Int(off))
        }
        guard cdOffset <= b.count, cdSize <= b.count - cdOffset else { throw bad("central directory outside the file") }
        var cd = ByteReader(b, range: cdOffset..<cdOffset + cdSize, path: path, context: "zip central directory")
        var out: [Member] = []
        for _ in 0..<count {
            guard try cd.readUInt32LE() == 0x0201_4b50 else { throw bad("bad central directory entry signature") }
            try cd.skip(6)
            let method = try readU16(&cd)
            try cd.skip(4)
            let crc = try cd.readUInt32LE()
            var csize = UInt64(try cd.readUInt32LE())
            var size = UInt64(try cd.readUInt32LE())
            let nameLen = Int(try readU16(&cd)), extraLen = Int(try readU16(&cd)), commentLen = Int(try readU16(&cd))
            try cd.skip(8)
            var offset = UInt64(try cd.readUInt32LE())
            let name = String(decoding: try cd.readBytes(nameLen), as: UTF8.self)
            var extra = ByteReader(Array(try cd.readBytes(extraLen)), path: path, context: "zip extra field of \(name)")
            try cd.skip(commentLen)
            while extra.remaining >= 4 {
                let id = try readU16(&extra), len = Int(try readU16(&extra))
                var field = ByteReader(Array(try extra.readBytes(len)), path: path, context: "zip64 field of \(name)")
                guard id == 1 else { continue }
                // Only the values saturated in the fixed fields are present, in this order.
                if size == 0xFFFF_FFFF { size = try field.readUInt64LE() }
                if csize == 0xFFFF_FFFF { csize = try field.readUInt64LE() }
                if offset == 0xFFFF_FFFF { offset = try field.readUInt64LE() }
            }
            guard csize <= UInt64(b.count), offset <= UInt64(b.count), size <= UInt64(Int.max / 2) else {
                throw bad("member \(name) has sizes or offset outside the file")
            }
            out.append(Member(name: name, method: method, crc: crc, compressedSize: Int(csize), size: Int(size), localOffset: Int(offset)))
        }
        return out
    }

    static func contents(of m: Member, in b: [UInt8], path: String, limit: Int) throws -> [UInt8] {
        func bad(_ reason: String) -> InteropError { .badTensor(path: path, tensor: m.name, reason: reason) }
        var local = ByteReader(b, range: m.localOffset..<b.count, path: path, context: "zip local header of \(m.name)")
        guard try local.readUInt32LE() == 0x0403_4b50 else { throw bad("bad local header signature") }
        try local.skip(22)
        let nameLen = Int(try readU16(&local)), extraLen = Int(try readU16(&local))
        try local.skip(nameLen + extraLen)
        let compressed = try local.readBytes(m.compressedSize)
        guard m.size <= limit else { throw bad("declares \(m.size) uncompressed bytes, over the \(limit)-byte limit") }
        let data: [UInt8]
        switch m.method {
        case 0:
            guard m.compressedSize == m.size else { throw bad("stored member sizes disagree") }
            data = Array(compressed)
        case 8:
            // Deflate cannot expand more than ~1032:1, so a larger claim is a lie; checking it first
            // keeps a tiny hostile file from making aezoo allocate gigabytes.
            guard m.size <= m.compressedSize * 1032 + 64 else { throw bad("declares \(m.size) bytes from \(m.compressedSize) compressed bytes (impossible ratio)") }
            data = try inflate(compressed, expected: m.size, fail: bad)
        default: throw bad("zip compression method \(m.method) is not supported (only stored and deflate)")
        }
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == m.crc else { throw InteropError.checksumMismatch(path: path, what: "zip member \(m.name)", stored: m.crc, computed: crc) }
        return data
    }

    /// Raw-deflate decode into exactly `expected` bytes; more output is an error, not an allocation.
    static func inflate(_ input: ArraySlice<UInt8>, expected: Int, fail: (String) -> InteropError) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: expected + 1)  // one spare byte detects overlong streams
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw fail("zlib init failed") }
        defer { inflateEnd(&stream) }
        var input = Array(input)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inp in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = inp.baseAddress
                stream.avail_in = UInt32(inp.count)
                stream.next_out = o.baseAddress
                stream.avail_out = UInt32(o.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == expected else {
            throw fail("deflate stream is corrupt or does not inflate to its declared \(expected) bytes")
        }
        out.removeLast()
        return out
    }

    static func readU16(_ r: inout ByteReader) throws -> UInt16 {
        UInt16(try r.readByte()) | UInt16(try r.readByte()) << 8
    }
}

/// Writes a ZIP archive of stored (uncompressed) members.
struct ZipWriter {
    private var body: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    mutating func addStored(_ name: String, _ data: [UInt8], path: String) throws {
        let nameBytes = Array(name.utf8)
        guard data.count < 0xFFFF_FFFF, body.count < 0xFFFF_FFFF - data.count, nameBytes.count < 0xFFFF else {
            throw InteropError.cannotWrite(path: path, reason: "member \(name) is too large for a plain zip")
        }
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        let offset = UInt32(body.count)
        // local header: signature, version 2.0, flags 0, method 0, time/date 0 (1980), crc, sizes, name
        body.appendLE(UInt32(0x0403_4b50)); body.appendLE(UInt16(20)); body.appendLE(UInt16(0)); body.appendLE(UInt16(0))
        body.appendLE(UInt16(0)); body.appendLE(UInt16(0x21))
        body.appendLE(crc); body.appendLE(UInt32(data.count)); body.appendLE(UInt32(data.count))
        body.appendLE(UInt16(nameBytes.count)); body.appendLE(UInt16(0))
        body += nameBytes
        body += data
        directory.appendLE(UInt32(0x0201_4b50)); directory.appendLE(UInt16(20)); directory.appendLE(UInt16(20))
        directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0x21))
        directory.appendLE(crc); directory.appendLE(UInt32(data.count)); directory.appendLE(UInt32(data.count))
        directory.appendLE(UInt16(nameBytes.count)); directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0))
        directory.appendLE(UInt16(0)); directory.appendLE(UInt16(0)); directory.appendLE(UInt32(0))
        directory.appendLE(offset)
        directory += nameBytes
        count += 1
    }

    func finish() -> [UInt8] {
        var out = body + directory
        out.appendLE(UInt32(0x0605_4b50)); out.appendLE(UInt16(0)); out.appendLE(UInt16(0))
        out.appendLE(UInt16(count)); out.appendLE(UInt16(count))
        out.appendLE(UInt32(directory.count)); out.appendLE(UInt32(body.count))
        out.appendLE(UInt16(0))
        return out
    }
}
