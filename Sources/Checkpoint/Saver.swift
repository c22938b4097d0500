import Foundation
import Linalg

/// Saves numbered checkpoints into a directory the way TensorFlow's `tf.train.Saver` does.
///
/// `save(_:step:)` writes `<prefix>-<step>.h5` atomically, then atomically rewrites the
/// `checkpoint` state file, then deletes checkpoints beyond `maxToKeep` — in that order, so a
/// crash at any point leaves a state file that names complete files only.
///
/// ```swift
/// let saver = try Saver(directory: "runs/a", maxToKeep: 5)
/// try saver.save(contents, step: 1000)               // runs/a/model.ckpt-1000.h5
/// let newest = try Saver.latest(in: "runs/a")          // ".../model.ckpt-1000.h5"
/// var store = model.variables
/// let meta = try Saver.restore(newest!, into: &store)
/// ```
public final class Saver {
    public let directory: String
    public let prefix: String
    /// How many recent checkpoints to keep; older ones are deleted. 0 or less keeps all.
    public let maxToKeep: Int
    /// Additionally keep one checkpoint per this many hours forever (TF semantics: such a file
    /// leaves the managed list but is not deleted).
    public let keepCheckpointEveryNHours: Double
    private let clock: @Sendable () -> Date
    private var managed: [(path: String, time: Double)] = []
    private var lastPreserved: Double

    /// Creates a saver; an existing state file in `directory` is continued (its list is
    /// managed further), and stale temporary files from interrupted saves of this prefix are
    /// removed. Creates the directory if needed.
    public init(directory: String, prefix: String = "model.ckpt", maxToKeep: Int = 5,
                keepCheckpointEveryNHours: Double = 10_000, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        guard !prefix.isEmpty, !prefix.contains("/") else { throw CheckpointError.invalidArgument("checkpoint prefix '\(prefix)' must be a plain file name") }
        guard keepCheckpointEveryNHours > 0 else { throw CheckpointError.invalidArgument("keep_checkpoint_every_n_hours must be positive") }
        self.directory = directory
        self.prefix = prefix
        self.maxToKeep = maxToKeep
        self.keepCheckpointEveryNHours = keepCheckpointEveryNHours
        self.clock = clock
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.io(file: directory, operation: "create directory", reason: "\(error.localizedDescription)")
        }
        lastPreserved = clock().timeIntervalSince1970
        if let state = try CheckpointState.read(directory: directory) {
            for (i, p) in state.allModelCheckpointPaths.enumerated() where FileManager.default.fileExists(atPath: resolve(p)) {
                let time = i < state.allModelCheckpointTimestamps.count ? state.allModelCheckpointTimestamps[i] : lastPreserved
                managed.append((p, time))
            }
            if let preserved = state.lastPreservedTimestamp { lastPreserved = preserved }
        }
        removeStaleTemporaries()
    }

    /// The file name a step saves to.
    public func fileName(step: Int64) -> String { "\(prefix)-\(step).h5" }

    /// Checkpoints currently managed (full paths), oldest first.
    public var checkpoints: [String] { managed.map { resolve($0.path) } }

    /// Writes `contents` as step `step` (also recorded as the metadata's `globalStep`),
    /// updates the state file and applies `maxToKeep` / `keepCheckpointEveryNHours`.
    /// Returns the checkpoint's path.
    @discardableResult
    public func save(_ contents: CheckpointContents, step: Int64) throws -> String {
        var contents = contents
        contents.metadata.globalStep = step
        let name = fileName(step: step)
        let path = resolve(name)
        try CheckpointWriter.write(contents, to: path)
        let now = clock().timeIntervalSince1970
        managed.removeAll { $0.path == name }
        managed.append((name, now))
        var doomed: [String] = []
        if maxToKeep > 0 {
            while managed.count > maxToKeep {
                let oldest = managed.removeFirst()
                // Keep one checkpoint per N hours forever, as TF's Saver does.
                if oldest.time - lastPreserved >= keepCheckpointEveryNHours * 3600 {
                    lastPreserved = oldest.time
                } else {
                    doomed.append(oldest.path)
                }
            }
        }
        let state = CheckpointState(modelCheckpointPath: name, allModelCheckpointPaths: managed.map(\.path),
                                    allModelCheckpointTimestamps: managed.map(\.time), lastPreservedTimestamp: lastPreserved)
        try state.write(directory: directory)
        // Delete only after the state file stops naming them.
        for old in doomed where old != name { unlink(resolve(old)) }
        return path
    }

    /// The newest checkpoint named by `<directory>/checkpoint`, if that file exists; nil otherwise.
    public static func latest(in directory: String) throws -> String? {
        try CheckpointState.read(directory: directory)?.latestCheckpoint(in: directory)
    }

    /// Restores from `path` into `store` (see `CheckpointReader.restore`) and returns the metadata.
    @discardableResult
    public static func restore(_ path: String, into store: inout VariableStore,
                               selection: CheckpointReader.Selection = .all) throws -> CheckpointMetadata {
        let reader = try CheckpointReader(path: path)
        defer { try? reader.close() }
        try reader.restore(into: &store, selection: selection)
        return reader.metadata
    }

    /// Reads a checkpoint file, or the newest one if `path` is a directory.
    public static func load(_ path: String) throws -> CheckpointContents {
        try CheckpointReader(path: resolveCheckpoint(path)).contents()
    }

    /// `path` itself if it is a file, the latest checkpoint if it is a directory.
    public static func resolveCheckpoint(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CheckpointError.fileNotFound(file: path) }
        guard isDirectory.boolValue else { return path }
        guard let latest = try latest(in: path) else { throw CheckpointError.noCheckpoint(directory: path) }
        return latest
    }

    private func resolve(_ name: String) -> String {
        name.hasPrefix("/") ? name : URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    private func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".\(prefix)-") && name.contains(".h5.tmp-") || name.hasPrefix(".\(CheckpointState.fileName).tmp-") {
            unlink(resolve(name))
        }
    }
}
