import Linalg

/// The metadata TensorFlow stores per tensor in a bundle's `.index` (BundleEntryProto), and the
/// bundle-wide header (BundleHeaderProto, under the empty key).
struct BundleEntry: Equatable {
    var dtype: Int64 = 0
    var shape: [Int64] = []
    var unknownRank = false
    var shardID: Int64 = 0
    var offset: Int64 = 0
    var size: Int64 = 0
    var crc32c: UInt32?
    var isPartitioned = false

    /// TensorFlow's DataType enum values (tensorflow/core/framework/types.proto).
    static let dtypeNames: [Int64: String] = [
        0: "DT_INVALID", 1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16", 6: "DT_INT8",
        7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL", 14: "DT_BFLOAT16", 17: "DT_UINT16",
        18: "DT_COMPLEX128", 19: "DT_HALF", 20: "DT_RESOURCE", 21: "DT_VARIANT", 22: "DT_UINT32", 23: "DT_UINT64",
    ]
    static let stringDType: Int64 = 7

    var dtypeName: String { Self.dtypeNames[dtype] ?? "DataType \(dtype)" }

    /// aezoo's element type for this entry, or nil if aezoo cannot hold it.
    var aezooDType: DType? {
        switch dtype { case 1: .float32; case 2: .float64; case 3: .int32; case 9: .int64; default: nil }
    }

    init(parsing bytes: ArraySlice<UInt8>, path: String, tensor: String) throws {
        var p = ProtoReader(bytes, path: path, context: "entry of tensor '\(tensor)'")
        while let (field, value) = try p.next() {
            switch (field, value) {
            case (1, .varint): dtype = value.int!
            case (2, .bytes(let shapeBytes)): try parseShape(shapeBytes, path: path, tensor: tensor)
            case (3, .varint): shardID = value.int!
            case (4, .varint): offset = value.int!
            case (5, .varint): size = value.int!
            case (6, .fixed32(let c)): crc32c = c
            case (7, .bytes): isPartitioned = true
            case (1...7, _): throw p.fail("field \(field) has the wrong wire type")
            default: continue
            }
        }
    }

    private mutating func parseShape(_ bytes: ArraySlice<UInt8>, path: String, tensor: String) throws {
        var p = ProtoReader(bytes, path: path, context: "shape of tensor '\(tensor)'")
        while let (field, value) = try p.next() {
            switch (field, value) {
            case (2, .bytes(let dim)):
                var d = ProtoReader(dim, path: path, context: "shape of tensor '\(tensor)'")
                var size: Int64 = 0
                while let (f, v) = try d.next() { if f == 1, let s = v.int { size = s } }
                shape.append(size)
            case (3, .varint(let v)): unknownRank = v != 0
            default: continue
            }
        }
    }
}

struct BundleHeader: Equatable {
    var numShards: Int64 = 0
    var bigEndian = false
    var producer: Int64 = 0
    var minConsumer: Int64 = 0

    init(parsing bytes: ArraySlice<UInt8>, path: String) throws {
        var p = ProtoReader(bytes, path: path, context: "bundle header")
        while let (field, value) = try p.next() {
            switch (field, value) {
            case (1, .varint): numShards = value.int!
            case (2, .varint(let e)): bigEndian = e == 1
            case (3, .bytes(let version)):
                var v = ProtoReader(version, path: path, context: "bundle header version")
                while let (f, x) = try v.next() {
                    if f == 1, let n = x.int { producer = n }
                    if f == 2, let n = x.int { minConsumer = n }
                }
            default: continue
            }
        }
    }
}
