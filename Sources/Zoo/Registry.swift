import Foundation

/// The zoo's registry: `zoo/registry.json`, a list of `ZooEntry`s, validated on load.
///
/// ```swift
/// let zoo = try Registry.load(zoo: URL(fileURLWithPath: "zoo"))
/// let entry = try zoo.entry("fashion/sparse-kl-200")
/// let file = try zoo.verifiedCheckpoint(entry)     // refuses a changed file
/// ```
public struct Registry: Sendable {
    public static let schemaVersion = 1
    public static let fileName = "registry.json"

    /// The zoo directory the registry lives in; checkpoint paths are relative to it.
    public let root: URL
    public private(set) var entries: [ZooEntry]

    public init(root: URL, entries: [ZooEntry]) {
        self.root = root
        self.entries = entries
    }

    /// On-disk shape of registry.json.
    struct File: Codable {
        var schemaVersion: Int
        var entries: [ZooEntry]
    }

    public var registryPath: String { root.appendingPathComponent(Self.fileName).path }

    /// Loads and validates `<zoo>/registry.json`. A schema failure names the entry and the field.
    public static func load(zoo root: URL) throws -> Registry {
        let path = root.appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { throw ZooError.registryMissing(path: path) }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as DecodingError {
            throw Self.describe(error, path: path, data: data)
        }
        guard file.schemaVersion == schemaVersion else {
            throw ZooError.registryInvalid(path: path, entry: nil, field: "schemaVersion",
                                           reason: "version \(file.schemaVersion) is not supported (this aezoo reads \(schemaVersion))")
        }
        let registry = Registry(root: root, entries: file.entries)
        // Symlinks are resolved when a path is used (`checkpointLocation`, builds, imports), not
        // here: resolving every entry's files on every load was hundreds of readlink calls per command.
        try registry.validate(resolvingLinks: false)
        return registry
    }

    /// Checks every entry's fields beyond what JSON types say: ids, spec, recipe, paths, digests.
    /// Paths must be relative and stay inside the zoo; with `resolvingLinks` (the default) every
    /// existing file and folder they pass through is resolved too, so a symlink out of the zoo is
    /// refused here rather than when the path is used.
    public func validate(resolvingLinks: Bool = true) throws {
        var seen = Set<String>()
        for e in entries {
            func bad(_ field: String, _ reason: String) -> ZooError {
                .registryInvalid(path: registryPath, entry: e.id, field: field, reason: reason)
            }
            guard Self.isWellFormedID(e.id) else {
                throw bad("id", "must look like 'dataset/variant' (lowercase letters, digits, '-')")
            }
            guard seen.insert(e.id).inserted else { throw ZooError.duplicateID(id: e.id) }
            do { try e.spec.validate() } catch { throw bad("spec", "\(error)") }
            do { try e.recipe.validate() } catch { throw bad("recipe", "\(error)") }
            guard DatasetCatalog.known.contains(e.data.dataset) else {
                throw bad("data.dataset", "unknown dataset '\(e.data.dataset)' (known: \(DatasetCatalog.known.joined(separator: ", ")))")
            }
            guard e.checkpoint.sha256.isEmpty || Self.isLowercaseHex(e.checkpoint.sha256, length: 64) else {
                throw bad("checkpoint.sha256", "must be 64 lowercase hex digits")
            }
            guard e.checkpoint.bytes >= 0 else { throw bad("checkpoint.bytes", "must be >= 0") }
            for p in [e.checkpoint.path] + e.pictures {
                if resolvingLinks { _ = try ZooPaths.resolve(p, in: root, entry: e.id) } else { try ZooPaths.checkLexically(p, entry: e.id) }
            }
        }
    }

    public var ids: [String] { entries.map(\.id) }

    // The two shapes below are checked by hand rather than with regular expressions: Foundation's
    // regular expressions start ICU's engine, a few milliseconds of every command that loads the zoo.

    /// `<dataset>/<variant>`: lowercase letters, digits and `-`, then one `/`, then the same or `.`.
    public static func isWellFormedID(_ id: String) -> Bool {
        let parts = id.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        func allowed(_ c: UInt8, dot: Bool) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                || c == UInt8(ascii: "-") || (dot && c == UInt8(ascii: "."))
        }
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && parts[0].allSatisfy { allowed($0, dot: false) } && parts[1].allSatisfy { allowed($0, dot: true) }
    }

    /// Exactly `length` digits of `0-9a-f`.
    static func isLowercaseHex(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
        }
    }

    /// The entry with `id`, or an error listing what the zoo has.
    public func entry(_ id: String) throws -> ZooEntry {
        guard let e = entries.first(where: { $0.id == id }) else { throw ZooError.unknownModel(id: id, known: ids) }
        return e
    }

    /// The checkpoint of `entry` after checking it stays inside the zoo and matches its size and SHA-256.
    public func verifiedCheckpoint(_ entry: ZooEntry) throws -> URL {
        let url = try checkpointLocation(entry)
        try verify(entry, digest: try FileDigest(path: url.path), path: url.path)
        return url
    }

    /// Where `entry`'s checkpoint is, checked to stay inside the zoo and to exist (not yet hashed:
    /// callers that hash in the background pair this with `verify`).
    public func checkpointLocation(_ entry: ZooEntry) throws -> URL {
        let url = try ZooPaths.resolve(entry.checkpoint.path, in: root, entry: entry.id)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ZooError.checkpointMissing(entry: entry.id, path: url.path)
        }
        return url
    }

    /// Refuses a checkpoint whose size or SHA-256 differs from what the registry pins.
    public func verify(_ entry: ZooEntry, digest: FileDigest, path: String) throws {
        let url = URL(fileURLWithPath: path)
        guard digest.bytes == entry.checkpoint.bytes else {
            throw ZooError.sizeMismatch(entry: entry.id, path: url.path, expected: entry.checkpoint.bytes, actual: digest.bytes)
        }
        guard digest.sha256 == entry.checkpoint.sha256 else {
            throw ZooError.checksumMismatch(entry: entry.id, path: url.path, expected: entry.checkpoint.sha256, actual: digest.sha256)
        }
    }

    /// Adds or replaces the entry with the same id, keeping the registry's order.
    public mutating func upsert(_ entry: ZooEntry) {
        if let i = entries.firstIndex(where: { $0.id == entry.id }) { entries[i] = entry } else { entries.append(entry) }
    }

    /// Writes registry.json atomically (temp file + rename), keys sorted so diffs stay small.
    public func save() throws {
        try validate()
        try Self.writeJSON(File(schemaVersion: Self.schemaVersion, entries: entries), to: registryPath)
    }

    /// The zoo's JSON files as people read and diff them: pretty, keys sorted, a final newline,
    /// written atomically (temp file + rename).
    static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Turns a decoding failure into "entry X: field a.b: reason".
    static func describe(_ error: DecodingError, path: String, data: Data) -> ZooError {
        let (context, reason): (DecodingError.Context, String) = {
            switch error {
            case let .typeMismatch(type, c): return (c, "expected \(type)")
            case let .valueNotFound(type, c): return (c, "missing value of type \(type)")
            case let .keyNotFound(key, c): return (c, "missing required field '\(key.stringValue)'")
            case let .dataCorrupted(c): return (c, c.debugDescription)
            @unknown default: return (DecodingError.Context(codingPath: [], debugDescription: ""), "\(error)")
            }
        }()
        var keys = context.codingPath
        if case let .keyNotFound(key, _) = error { keys.append(key) }
        // codingPath is [entries, <index>, field, ...]: find the entry's id to name it.
        var entryName: String?
        if keys.count >= 2, keys[0].stringValue == "entries", let index = keys[1].intValue {
            entryName = Self.entryID(at: index, in: data) ?? "#\(index + 1)"
            keys.removeFirst(2)
        }
        let field = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return .registryInvalid(path: path, entry: entryName, field: field.isEmpty ? "(document)" : field, reason: reason)
    }

    private static func entryID(at index: Int, in data: Data) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = json["entries"] as? [[String: Any]], index < list.count else { return nil }
        return list[index]["id"] as? String
    }
}
