import Checkpoint
import Foundation
import Linalg

/// Reads and writes Hugging Face safetensors files: an 8-byte little-endian header length, a JSON
/// header (`dtype`, `shape`, `data_offsets` per tensor, optional `__metadata__` string map), then
/// the tensor bytes. The reader enforces the spec's safety rules: bounded header, valid UTF-8
/// JSON without duplicate keys, offsets that tile the data buffer exactly (no gaps, no overlaps)
/// and sizes that match shapes.
///
/// ```swift
/// try Safetensors.write(store, metadata: ["aezoo_spec": specJSON], to: "model.safetensors")
/// let (store, metadata) = try Safetensors.read("model.safetensors")
/// ```
public enum Safetensors {
    /// The reference implementation's cap (MAX_HEADER_SIZE).
    public static let maxHeaderBytes = 100_000_000

    static let dtypeCodes: [DType: String] = [.float32: "F32", .float64: "F64", .int32: "I32", .int64: "I64"]

    public static func read(_ path: String) throws -> (variables: VariableStore, metadata: [String: String]) {
        try parse(readFile(path), path: path)
    }

    /// Parses a whole file already in memory.
    static func parse(_ bytes: [UInt8], path: String) throws -> (variables: VariableStore, metadata: [String: String]) {
        func bad(_ reason: String) -> InteropError { .corrupt(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw bad("file has \(bytes.count) bytes, too short for the 8-byte header length") }
        var r = ByteReader(bytes, path: path, context: "safetensors header")
        let declared = try r.readUInt64LE()
        guard declared <= UInt64(maxHeaderBytes) else { throw bad("header length \(declared) exceeds the \(maxHeaderBytes)-byte limit") }
        let headerLength = Int(declared)
        guard headerLength <= bytes.count - 8 else { throw bad("header length \(headerLength) runs past the end of the \(bytes.count)-byte file") }
        let header: JSONValue
        do { header = try JSONValue.parse(bytes[8..<8 + headerLength]) } catch {
            throw bad("header is not valid JSON: \(error.description)")
        }
        guard let members = header.object else { throw bad("header is not a JSON object") }
        let bufferStart = 8 + headerLength
        let bufferLength = bytes.count - bufferStart

        var metadata: [String: String] = [:]
        var infos: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                guard let map = value.object else { throw bad("__metadata__ must be an object of strings") }
                for (k, v) in map {
                    guard let s = v.string else { throw bad("__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            func badTensor(_ reason: String) -> InteropError { .badTensor(path: path, tensor: name, reason: reason) }
            guard let dtype = value["dtype"]?.string else { throw badTensor("missing string field 'dtype'") }
            guard let shapeValues = value["shape"]?.array else { throw badTensor("missing array field 'shape'") }
            let shape = shapeValues.compactMap(\.nonNegativeInt)
            guard shape.count == shapeValues.count else { throw badTensor("shape must be non-negative integers") }
            guard let offs = value["data_offsets"]?.array, offs.count == 2,
                  let begin = offs[0].nonNegativeInt, let end = offs[1].nonNegativeInt, begin <= end else {
                throw badTensor("data_offsets must be [begin, end] with begin <= end")
            }
            infos.append((name, dtype, shape, begin, end))
        }
        // Sorted by offset, tensors must tile the buffer exactly.
        infos.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var cursor = 0
        for info in infos {
            guard info.begin == cursor else {
                throw InteropError.badTensor(path: path, tensor: info.name, reason: info.begin < cursor
                    ? "data_offsets [\(info.begin), \(info.end)] overlap the previous tensor"
                    : "data_offsets [\(info.begin), \(info.end)] leave a gap after byte \(cursor)")
            }
            cursor = info.end
        }
        guard cursor == bufferLength else {
            throw bad("tensors cover \(cursor) bytes of the \(bufferLength)-byte data buffer (file not fully covered)")
        }
        var store = VariableStore()
        for (name, _) in members where name != "__metadata__" {
            let info = infos.first { $0.name == name }!
            guard let dtype = dtypeCodes.first(where: { $0.value == info.dtype })?.key else {
                throw InteropError.unsupportedDType(path: path, tensor: name, dtype: info.dtype)
            }
            guard let size = checkedByteCount(info.shape, elementSize: dtype.byteSize), size == Int64(info.end - info.begin) else {
                throw InteropError.badTensor(path: path, tensor: name, reason: "\(info.end - info.begin) bytes do not hold shape \(info.shape) of \(info.dtype)")
            }
            store[name] = TensorBytes.decode(bytes[bufferStart + info.begin..<bufferStart + info.end], dtype: dtype, shape: info.shape)
        }
        return (store, metadata)
    }

    /// Encodes a store (all tensors, in store order) with an optional metadata map.
    static func encode(_ store: VariableStore, metadata: [String: String]) -> [UInt8] {
        var members: [(String, JSONValue)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        // Like the reference writer: 8-byte types first so every tensor is aligned to its element size.
        let ordered = store.names.enumerated().sorted { a, b in
            let sa = store[a.element]!.dtype.byteSize, sb = store[b.element]!.dtype.byteSize
            return sa != sb ? sa > sb : a.offset < b.offset
        }.map(\.element)
        var data: [UInt8] = []
        var offsets: [String: (Int, Int)] = [:]
        for name in ordered {
            let begin = data.count
            data += TensorBytes.encode(store[name]!)
            offsets[name] = (begin, data.count)
        }
        // Header keys keep the store's order (readers sort by offset), so a round trip keeps it too.
        for name in store.names {
            let t = store[name]!
            let (begin, end) = offsets[name]!
            members.append((name, .object([
                ("dtype", .string(dtypeCodes[t.dtype]!)),
                ("shape", .array(t.shape.map { .number(Double($0)) })),
                ("data_offsets", .array([.number(Double(begin)), .number(Double(end))])),
            ])))
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // spec: pad with spaces to 8-byte alignment
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + data.count)
        out.appendLE(UInt64(header.count))
        out += header
        out += data
        return out
    }

    public static func write(_ store: VariableStore, metadata: [String: String] = [:], to path: String) throws {
        try writeAtomically(encode(store, metadata: metadata), to: path)
    }
}

/// Writes `bytes` to `path` atomically (see `writeAtomically(to:_:)`).
func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    try writeAtomically(to: path) { try Data(bytes).write(to: URL(fileURLWithPath: $0)) }
}

/// Lets `body` write a temporary file next to `path`, then renames it into place (Checkpoint's
/// `AtomicFile`, with its fsyncs), so a crash never leaves a half-written model behind. Failures
/// become `InteropError.cannotWrite`.
func writeAtomically(to path: String, _ body: (String) throws -> Void) throws {
    do {
        try AtomicFile.write(to: path, body)
    } catch let error as InteropError {
        throw error
    } catch let CheckpointError.io(_, operation, reason) {
        throw InteropError.cannotWrite(path: path, reason: "cannot \(operation): \(reason)")
    } catch {
        throw InteropError.cannotWrite(path: path, reason: "\(error)")
    }
}
