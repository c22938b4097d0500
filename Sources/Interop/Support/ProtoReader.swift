/// A minimal protobuf wire-format reader: enough to walk the few TensorFlow messages aezoo needs
/// (BundleHeaderProto, BundleEntryProto, TensorShapeProto, TrackableObjectGraph) without a
/// protobuf dependency. Unknown fields are skipped, as protobuf requires.
struct ProtoReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    private var reader: ByteReader

    init(_ bytes: [UInt8], range: Range<Int>? = nil, path: String, context: String) {
        reader = ByteReader(bytes, range: range, path: path, context: context)
    }

    init(_ slice: ArraySlice<UInt8>, path: String, context: String) {
        // Messages are small (a few hundred bytes per entry), so a copy keeps indices simple.
        reader = ByteReader(Array(slice), path: path, context: context)
    }

    func fail(_ reason: String) -> InteropError { reader.fail(reason) }

    /// The next (field number, value), or nil at the end of the message.
    mutating func next() throws -> (field: Int, value: Value)? {
        if reader.isAtEnd { return nil }
        let key = try reader.readVarint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 && key >> 3 <= 0x1FFF_FFFF else { throw reader.fail("invalid protobuf field number \(key >> 3)") }
        switch key & 7 {
        case 0: return (field, .varint(try reader.readVarint()))
        case 1: return (field, .fixed64(try reader.readUInt64LE()))
        case 2:
            let n = try reader.readLength(limit: reader.remaining, what: "protobuf field length")
            return (field, .bytes(try reader.readBytes(n)))
        case 5: return (field, .fixed32(try reader.readUInt32LE()))
        default: throw reader.fail("unsupported protobuf wire type \(key & 7) for field \(field)")
        }
    }
}

extension ProtoReader.Value {
    /// Interprets a varint as a protobuf int32/int64 (two's complement).
    var int: Int64? { if case let .varint(v) = self { Int64(bitPattern: v) } else { nil } }
    var uint32: UInt32? { if case let .fixed32(v) = self { v } else { nil } }
    var bytes: ArraySlice<UInt8>? { if case let .bytes(b) = self { b } else { nil } }
    var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}
