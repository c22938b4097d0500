import Checkpoint
import Foundation
import HDF5

/// A self-contained zoo export: one HDF5 file holding the checkpoint's exact bytes (an opaque
/// uint8 dataset `checkpoint`) and the registry entry as a JSON attribute `zoo_entry`.
///
/// Keeping the original bytes (rather than re-writing the checkpoint) is what lets `import`
/// verify the SHA-256 the entry pins before anything is registered.
public enum ZooArchive {
    public static let format = "aezoo-zoo-export"
    public static let version: Int64 = 1
    /// Refuse archives whose checkpoint claims more than this many bytes.
    public static let maximumCheckpointBytes = 2 << 30

    /// Writes `entry` and its checkpoint (from the zoo) into `path`, atomically.
    public static func export(_ entry: ZooEntry, from registry: Registry, to path: String) throws {
        let checkpoint = try registry.verifiedCheckpoint(entry)
        guard let bytes = FileManager.default.contents(atPath: checkpoint.path) else {
            throw ZooError.checkpointMissing(entry: entry.id, path: checkpoint.path)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(entry), as: UTF8.self)
        try AtomicFile.write(to: path) { temporary in
            let file = try H5File.create(temporary)
            try file.setAttribute("format", .string(format))
            try file.setAttribute("format_version", .int64(version))
            try file.setAttribute("zoo_entry", .string(json))
            let dataset = try file.createDataset("checkpoint", values: [UInt8](bytes), shape: [bytes.count],
                                                 options: H5DatasetOptions(chunks: [min(max(bytes.count, 1), 1 << 20)], fletcher32: true))
            _ = dataset
            try file.close()
        }
    }

    /// Reads an export, checks the entry's schema and the checkpoint's SHA-256, and registers it in
    /// `registry` (writing the checkpoint into the zoo). Returns the imported entry.
    public static func importArchive(_ path: String, into registry: inout Registry, replace: Bool = false) throws -> ZooEntry {
        let file: H5File
        do { file = try H5File.open(path) } catch { throw ZooError.exportInvalid(path: path, reason: "not an HDF5 file (\(error))") }
        defer { try? file.close() }
        guard (try? file.attribute("format"))?.stringValue == format else {
            throw ZooError.exportInvalid(path: path, reason: "missing the '\(format)' format attribute")
        }
        guard let v = (try? file.attribute("format_version"))?.int64Value, v == version else {
            throw ZooError.exportInvalid(path: path, reason: "unsupported format_version (this aezoo reads \(version))")
        }
        guard let json = (try? file.attribute("zoo_entry"))?.stringValue else {
            throw ZooError.exportInvalid(path: path, reason: "no zoo_entry attribute")
        }
        let entry: ZooEntry
        do { entry = try JSONDecoder().decode(ZooEntry.self, from: Data(json.utf8)) } catch let error as DecodingError {
            throw Registry.describe(error, path: path + " (zoo_entry)", data: Data(json.utf8))
        }
        guard entry.checkpoint.bytes >= 0, entry.checkpoint.bytes <= maximumCheckpointBytes else {
            throw ZooError.exportInvalid(path: path, reason: "declared checkpoint size \(entry.checkpoint.bytes) is not plausible")
        }
        let dataset = try file.openDataset("checkpoint")
        guard try dataset.shape() == [entry.checkpoint.bytes] else {
            throw ZooError.sizeMismatch(entry: entry.id, path: path, expected: entry.checkpoint.bytes, actual: try dataset.shape().first ?? -1)
        }
        let bytes: [UInt8] = try dataset.read()
        let digest = FileDigest(bytes: bytes)
        guard digest.sha256 == entry.checkpoint.sha256 else {
            throw ZooError.checksumMismatch(entry: entry.id, path: path, expected: entry.checkpoint.sha256, actual: digest.sha256)
        }
        if !replace, registry.ids.contains(entry.id) {
            throw ZooError.duplicateID(id: entry.id)
        }
        var candidate = registry
        candidate.upsert(entry)
        try candidate.validate()   // schema, paths inside the zoo
        let target = try ZooPaths.resolve(entry.checkpoint.path, in: registry.root, entry: entry.id)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: target, options: .atomic)
        try candidate.save()
        registry = candidate
        return entry
    }
}
