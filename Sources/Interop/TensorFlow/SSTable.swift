/// Reads an immutable LevelDB-style table, the format of a TensorFlow bundle's `.index` file:
/// data blocks, an index block pointing at them, and a 48-byte footer with a magic number.
/// Every block's masked CRC-32C is verified; keys must be strictly increasing.
///
/// See `docs/INTEROP.md` and tensorflow/core/lib/io/table_format.txt.
struct SSTable {
    static let footerLength = 48
    static let magic: UInt64 = 0xdb47_7524_8b80_fb57
    static let blockTrailerLength = 5

    /// All key/value pairs in file order.
    let entries: [(key: [UInt8], value: ArraySlice<UInt8>)]

    init(bytes: [UInt8], path: String) throws {
        guard bytes.count >= Self.footerLength else {
            throw InteropError.corrupt(path: path, reason: "file has \(bytes.count) bytes, too short for a table footer (48)")
        }
        var footer = ByteReader(bytes, range: bytes.count - Self.footerLength..<bytes.count, path: path, context: "table footer")
        _ = try Self.readHandle(&footer, fileSize: bytes.count)  // metaindex: TF writes it empty and never uses it
        let index = try Self.readHandle(&footer, fileSize: bytes.count)
        var magicReader = ByteReader(bytes, range: bytes.count - 8..<bytes.count, path: path, context: "table footer")
        guard try magicReader.readUInt64LE() == Self.magic else {
            throw InteropError.corrupt(path: path, reason: "not a TensorFlow index / LevelDB table (bad magic number)")
        }
        let dataLimit = bytes.count - Self.footerLength
        var result: [(key: [UInt8], value: ArraySlice<UInt8>)] = []
        let indexBlock = try Self.readBlock(bytes, handle: index, limit: dataLimit, path: path, what: "index block")
        for (_, handleBytes) in try Self.parseBlock(bytes, range: indexBlock, path: path, what: "index block") {
            var h = ByteReader(bytes, range: handleBytes.startIndex..<handleBytes.endIndex, path: path, context: "index block entry")
            let handle = try Self.readHandle(&h, fileSize: bytes.count)
            let block = try Self.readBlock(bytes, handle: handle, limit: dataLimit, path: path, what: "data block at offset \(handle.offset)")
            for (key, value) in try Self.parseBlock(bytes, range: block, path: path, what: "data block at offset \(handle.offset)") {
                if let last = result.last, !last.key.lexicographicallyPrecedes(key) {
                    throw InteropError.corrupt(path: path, reason: "keys out of order at '\(String(decoding: key, as: UTF8.self))'")
                }
                result.append((key, value))
            }
        }
        entries = result
    }

    struct Handle { var offset: Int; var size: Int }

    static func readHandle(_ r: inout ByteReader, fileSize: Int) throws -> Handle {
        let offset = try r.readLength(limit: fileSize, what: "block offset")
        let size = try r.readLength(limit: fileSize, what: "block size")
        return Handle(offset: offset, size: size)
    }

    /// Checks bounds, block type and CRC; returns the byte range of the block contents.
    static func readBlock(_ bytes: [UInt8], handle: Handle, limit: Int, path: String, what: String) throws -> Range<Int> {
        let (end, overflow) = handle.offset.addingReportingOverflow(handle.size + blockTrailerLength)
        guard !overflow, end <= limit else {
            throw InteropError.corrupt(path: path, reason: "\(what): block of \(handle.size) bytes runs past the end of the file")
        }
        let contents = handle.offset..<handle.offset + handle.size
        let type = bytes[contents.upperBound]
        let stored = ByteReader.uint32LE(bytes, at: contents.upperBound + 1)
        let computed = CRC32C.checksum(bytes[contents.lowerBound...contents.upperBound])
        guard CRC32C.unmask(stored) == computed else {
            throw InteropError.checksumMismatch(path: path, what: what, stored: CRC32C.unmask(stored), computed: computed)
        }
        switch type {
        case 0: return contents
        case 1: throw InteropError.unsupported(path: path, reason: "\(what) is Snappy-compressed (written by a TensorFlow older than 1.1?); re-save it with a current TensorFlow")
        default: throw InteropError.corrupt(path: path, reason: "\(what): unknown block compression type \(type)")
        }
    }

    /// Decodes a block's prefix-compressed entries (shared, unshared, value length, key delta, value).
    static func parseBlock(_ bytes: [UInt8], range: Range<Int>, path: String, what: String) throws -> [([UInt8], ArraySlice<UInt8>)] {
        guard range.count >= 4 else { throw InteropError.corrupt(path: path, reason: "\(what): \(range.count) bytes, too short for a restart count") }
        let restartCount = Int(ByteReader.uint32LE(bytes, at: range.upperBound - 4))
        guard restartCount >= 1, restartCount <= (range.count - 4) / 4 else {
            throw InteropError.corrupt(path: path, reason: "\(what): restart count \(restartCount) does not fit the block")
        }
        let entriesEnd = range.upperBound - 4 - 4 * restartCount
        var r = ByteReader(bytes, range: range.lowerBound..<entriesEnd, path: path, context: what)
        var out: [([UInt8], ArraySlice<UInt8>)] = []
        var key: [UInt8] = []
        while !r.isAtEnd {
            let shared = try r.readLength(limit: key.count, what: "shared key length")
            let unshared = try r.readLength(limit: r.remaining, what: "key length")
            let valueLength = try r.readLength(limit: r.remaining, what: "value length")
            key.removeSubrange(shared...)
            key.append(contentsOf: try r.readBytes(unshared))
            out.append((key, try r.readBytes(valueLength)))
        }
        return out
    }
}
