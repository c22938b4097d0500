import Checkpoint
import Foundation
import Linalg

/// A TensorFlow checkpoint in the TensorBundle V2 format (what `tf.compat.v1.train.Saver` and
/// `tf.train.Checkpoint` write): `<prefix>.index` plus `<prefix>.data-NNNNN-of-NNNNN` shards.
/// Pure Swift; every block and every tensor is CRC-checked.
///
/// ```swift
/// let bundle = try TensorBundle(path: "runs/ae")          // a directory with a `checkpoint` file,
/// let kernel = try bundle.tensor(named: "dense/kernel")   // a prefix, or the .index file
/// let all = try bundle.variables()                        // every numeric tensor, by its key
/// ```
public struct TensorBundle: Sendable {
    /// The checkpoint prefix (path without `.index`).
    public let prefix: String
    /// Tensor keys in file order (sorted bytewise, as TensorFlow writes them), header excluded.
    public let names: [String]
    public let shardCount: Int
    let entries: [String: BundleEntry]
    let bigEndian: Bool

    /// Most data files in practice are far below this; the cap keeps a lying index from making
    /// aezoo read an arbitrary amount.
    static let maxShards = 100_000

    public init(path: String) throws {
        let prefix = try Self.resolvePrefix(path)
        let indexPath = prefix + ".index"
        let bytes = try readFile(indexPath)
        let table = try SSTable(bytes: bytes, path: indexPath)
        guard let first = table.entries.first, first.key.isEmpty else {
            throw InteropError.corrupt(path: indexPath, reason: "missing the bundle header entry (empty key)")
        }
        let header = try BundleHeader(parsing: first.value, path: indexPath)
        guard header.numShards >= 1, header.numShards <= Self.maxShards else {
            throw InteropError.corrupt(path: indexPath, reason: "header declares \(header.numShards) shards")
        }
        guard header.minConsumer <= 1 else {
            throw InteropError.unsupported(path: indexPath, reason: "bundle needs a reader of version \(header.minConsumer) or newer (aezoo implements version 1)")
        }
        var names: [String] = []
        var entries: [String: BundleEntry] = [:]
        for (key, value) in table.entries.dropFirst() {
            let name = String(decoding: key, as: UTF8.self)
            entries[name] = try BundleEntry(parsing: value, path: indexPath, tensor: name)
            names.append(name)
        }
        self.prefix = prefix
        self.names = names
        self.entries = entries
        self.shardCount = Int(header.numShards)
        self.bigEndian = header.bigEndian
    }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The shape of a tensor as declared in the index.
    public func shape(of name: String) -> [Int]? { entries[name].map { $0.shape.map { Int($0) } } }

    /// TensorFlow's name for a tensor's element type (`DT_FLOAT`, `DT_STRING`...).
    public func dtypeName(of name: String) -> String? { entries[name]?.dtypeName }

    /// Whether aezoo can read this tensor as numbers (float32/float64/int32/int64).
    public func isNumeric(_ name: String) -> Bool { entries[name]?.aezooDType != nil }

    /// The path of data shard `id`.
    public func shardPath(_ id: Int) -> String {
        prefix + ".data-" + Self.fiveDigits(id) + "-of-" + Self.fiveDigits(shardCount)
    }

    private static func fiveDigits(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }

    /// Reads one tensor, verifying its size and CRC-32C.
    public func tensor(named name: String) throws -> Tensor {
        var cache: [Int: [UInt8]] = [:]
        return try tensor(named: name, shards: &cache)
    }

    /// Every numeric tensor under its key, in file order. Non-numeric entries (the TF2 object
    /// graph, strings) are skipped only when `skippingNonNumeric`; otherwise they are an error.
    public func variables(skippingNonNumeric: Bool = false) throws -> VariableStore {
        var store = VariableStore()
        var cache: [Int: [UInt8]] = [:]
        for name in names {
            if !isNumeric(name) && skippingNonNumeric { continue }
            store[name] = try tensor(named: name, shards: &cache)
        }
        return store
    }

    func tensor(named name: String, shards: inout [Int: [UInt8]]) throws -> Tensor {
        let data = try rawBytes(of: name, shards: &shards)
        let entry = entries[name]!
        guard let dtype = entry.aezooDType else {
            throw InteropError.unsupportedDType(path: prefix + ".index", tensor: name, dtype: entry.dtypeName)
        }
        let shape = entry.shape.map { Int($0) }
        return TensorBytes.decode(data, dtype: dtype, shape: shape, bigEndian: bigEndian)
    }

    /// The raw bytes of a tensor after checking bounds, size and checksum.
    func rawBytes(of name: String, shards: inout [Int: [UInt8]]) throws -> ArraySlice<UInt8> {
        let indexPath = prefix + ".index"
        guard let entry = entries[name] else {
            throw InteropError.badTensor(path: indexPath, tensor: name, reason: "no such tensor in the checkpoint")
        }
        if entry.isPartitioned {
            throw InteropError.unsupported(path: indexPath, reason: "tensor '\(name)' is a partitioned variable (saved in slices)")
        }
        guard !entry.unknownRank, entry.shape.allSatisfy({ $0 >= 0 }) else {
            throw InteropError.badTensor(path: indexPath, tensor: name, reason: "shape \(entry.shape) is not a concrete shape")
        }
        guard entry.shardID >= 0, entry.shardID < shardCount else {
            throw InteropError.badTensor(path: indexPath, tensor: name, reason: "shard \(entry.shardID) outside the \(shardCount) shards")
        }
        if let dtype = entry.aezooDType {
            guard let expected = checkedByteCount(entry.shape, elementSize: dtype.byteSize), expected == entry.size else {
                throw InteropError.badTensor(path: indexPath, tensor: name, reason: "declared size \(entry.size) bytes does not match shape \(entry.shape) of \(entry.dtypeName)")
            }
        } else if entry.dtype != BundleEntry.stringDType {
            throw InteropError.unsupportedDType(path: indexPath, tensor: name, dtype: entry.dtypeName)
        }
        let shard = Int(entry.shardID)
        if shards[shard] == nil { shards[shard] = try readFile(shardPath(shard), missingIs: "data shard of \(indexPath) (needed for tensor '\(name)')") }
        let data = shards[shard]!
        guard entry.offset >= 0, entry.size >= 0, entry.offset <= Int64(data.count) - entry.size else {
            throw InteropError.badTensor(path: shardPath(shard), tensor: name, reason: "bytes \(entry.offset)..<\(entry.offset &+ entry.size) lie outside the \(data.count)-byte shard")
        }
        let range = Int(entry.offset)..<Int(entry.offset + entry.size)
        if let stored = entry.crc32c, entry.dtype != BundleEntry.stringDType {  // strings: see strings(named:)
            let computed = CRC32C.checksum(data[range])
            guard CRC32C.unmask(stored) == computed else {
                throw InteropError.checksumMismatch(path: shardPath(shard), what: "tensor '\(name)'", stored: CRC32C.unmask(stored), computed: computed)
            }
        }
        return data[range]
    }

    /// A DT_STRING tensor's elements (used for the TF2 object graph).
    func strings(named name: String) throws -> [[UInt8]] {
        var cache: [Int: [UInt8]] = [:]
        let data = try rawBytes(of: name, shards: &cache)
        let entry = entries[name]!
        guard entry.dtype == BundleEntry.stringDType else {
            throw InteropError.badTensor(path: prefix + ".index", tensor: name, reason: "expected a string tensor, found \(entry.dtypeName)")
        }
        let count = entry.shape.reduce(Int64(1)) { $0 &* $1 }
        var r = ByteReader(Array(data), path: shardPath(Int(entry.shardID)), context: "string tensor '\(name)'")
        guard count >= 0, count <= Int64(r.remaining) else { throw r.fail("declares \(count) strings in \(r.remaining) bytes") }
        var lengths: [Int] = []
        for _ in 0..<count { lengths.append(try r.readLength(limit: r.remaining, what: "string length")) }
        // TensorFlow checksums a string tensor as: each length as a fixed uint32 (uint64 if larger),
        // then the 4 stored bytes of the masked length checksum, then the string bytes.
        var crc: UInt32 = 0
        for n in lengths {
            var le: [UInt8] = []
            if n <= Int(UInt32.max) { le.appendLE(UInt32(n)) } else { le.appendLE(UInt64(n)) }
            crc = CRC32C.update(crc, le[...])
        }
        let lengthsStored = try r.readUInt32LE()
        guard CRC32C.unmask(lengthsStored) == crc else {
            throw InteropError.checksumMismatch(path: shardPath(Int(entry.shardID)), what: "lengths of string tensor '\(name)'", stored: CRC32C.unmask(lengthsStored), computed: crc)
        }
        var le: [UInt8] = []
        le.appendLE(lengthsStored)
        crc = CRC32C.update(crc, le[...])
        let strings = try lengths.map { Array(try r.readBytes($0)) }
        for s in strings { crc = CRC32C.update(crc, s[...]) }
        if let stored = entry.crc32c, CRC32C.unmask(stored) != crc {
            throw InteropError.checksumMismatch(path: shardPath(Int(entry.shardID)), what: "string tensor '\(name)'", stored: CRC32C.unmask(stored), computed: crc)
        }
        return strings
    }

    // MARK: - Locating the checkpoint

    /// The newest checkpoint prefix named by `<directory>/checkpoint` (parsed by Checkpoint's
    /// `CheckpointState`, which also follows a moved directory).
    static func latestPrefix(in directory: String) throws -> String {
        let file = URL(fileURLWithPath: directory).appendingPathComponent(CheckpointState.fileName).path
        let state: CheckpointState?
        do { state = try CheckpointState.read(directory: directory) } catch let CheckpointError.invalidStateFile(_, line, reason) {
            throw InteropError.corrupt(path: file, reason: "line \(line): \(reason)")
        } catch {
            throw InteropError.cannotOpen(path: file, reason: "\(error)")
        }
        guard let state else { throw InteropError.cannotOpen(path: file, reason: "no such checkpoint state file") }
        guard let prefix = state.latestCheckpoint(in: directory, exists: { FileManager.default.fileExists(atPath: $0 + ".index") }) else {
            throw InteropError.cannotOpen(path: state.modelCheckpointPath, reason: "the checkpoint named in \(file) does not exist")
        }
        return prefix
    }

    /// Turns what a user typed into a checkpoint prefix: a directory holding a `checkpoint` state
    /// file, the `checkpoint` file itself, `<prefix>.index`, a `.data-…` shard or the prefix.
    public static func resolvePrefix(_ path: String) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            return try latestPrefix(in: path)
        }
        let url = URL(fileURLWithPath: path)
        if url.lastPathComponent == CheckpointState.fileName, fm.fileExists(atPath: path) {
            return try latestPrefix(in: url.deletingLastPathComponent().path)
        }
        if path.hasSuffix(".index") { return String(path.dropLast(".index".count)) }
        if let r = path.range(of: #"\.data-[0-9]{5}-of-[0-9]{5}$"#, options: .regularExpression) {
            return String(path[..<r.lowerBound])
        }
        guard fm.fileExists(atPath: path + ".index") else {
            throw InteropError.cannotOpen(path: path, reason: "no TensorFlow checkpoint here (looked for \(path).index)")
        }
        return path
    }
}

/// Element count times element size, or nil on overflow.
func checkedByteCount<S: Sequence>(_ shape: S, elementSize: Int) -> Int64? where S.Element: BinaryInteger {
    var total = Int64(elementSize)
    for d in shape {
        guard d >= 0 else { return nil }
        let (p, o) = total.multipliedReportingOverflow(by: Int64(d))
        if o { return nil }
        total = p
    }
    return total
}

func readFile(_ path: String, missingIs what: String = "file") throws -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else {
        throw InteropError.cannotOpen(path: path, reason: "no such \(what)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InteropError.cannotOpen(path: path, reason: "not readable")
    }
    return [UInt8](data)
}
