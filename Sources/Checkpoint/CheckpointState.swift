import Foundation

/// The directory's `checkpoint` state file, in TensorFlow's text-proto syntax:
///
/// ```
/// model_checkpoint_path: "model.ckpt-300.h5"
/// all_model_checkpoint_paths: "model.ckpt-200.h5"
/// all_model_checkpoint_paths: "model.ckpt-300.h5"
/// all_model_checkpoint_timestamps: 1764057600.5
/// all_model_checkpoint_timestamps: 1764057660.25
/// last_preserved_timestamp: 1764057000.0
/// ```
/// Paths are relative to the directory (TF's `save_relative_paths`); absolute paths are accepted.
/// aezoo's `Saver` writes this file and TensorFlow checkpoints (read by Interop) carry one too.
public struct CheckpointState: Equatable, Sendable {
    public static let fileName = "checkpoint"

    /// The newest checkpoint.
    public var modelCheckpointPath: String
    /// Checkpoints the saver still manages, oldest first; the last equals `modelCheckpointPath`.
    public var allModelCheckpointPaths: [String]
    /// Save times (seconds since 1970) of `allModelCheckpointPaths`.
    public var allModelCheckpointTimestamps: [Double]
    /// When a checkpoint was last kept forever by `keepCheckpointEveryNHours`.
    public var lastPreservedTimestamp: Double?

    public init(modelCheckpointPath: String, allModelCheckpointPaths: [String],
                allModelCheckpointTimestamps: [Double] = [], lastPreservedTimestamp: Double? = nil) {
        self.modelCheckpointPath = modelCheckpointPath
        self.allModelCheckpointPaths = allModelCheckpointPaths
        self.allModelCheckpointTimestamps = allModelCheckpointTimestamps
        self.lastPreservedTimestamp = lastPreservedTimestamp
    }

    /// The text TensorFlow writes.
    public var text: String {
        var lines = ["model_checkpoint_path: \(quote(modelCheckpointPath))"]
        lines += allModelCheckpointPaths.map { "all_model_checkpoint_paths: \(quote($0))" }
        lines += allModelCheckpointTimestamps.map { "all_model_checkpoint_timestamps: \(number($0))" }
        if let last = lastPreservedTimestamp { lines.append("last_preserved_timestamp: \(number(last))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the text format; `file` only names the source in errors. Unknown fields are
    /// ignored (as protobuf readers of newer files do); a file without `model_checkpoint_path`
    /// is invalid.
    public init(parsing text: String, file: String) throws {
        var model: String?
        var all: [String] = [], stamps: [Double] = []
        var preserved: Double?
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw CheckpointError.invalidStateFile(file: file, line: index + 1, reason: "expected 'field: value'")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            func string() throws -> String {
                guard let s = Self.unquote(value) else {
                    throw CheckpointError.invalidStateFile(file: file, line: index + 1, reason: "\(key) needs a quoted string")
                }
                return s
            }
            func double() throws -> Double {
                guard let d = Double(value) else {
                    throw CheckpointError.invalidStateFile(file: file, line: index + 1, reason: "\(key) needs a number")
                }
                return d
            }
            switch key {
            case "model_checkpoint_path": model = try string()
            case "all_model_checkpoint_paths": all.append(try string())
            case "all_model_checkpoint_timestamps": stamps.append(try double())
            case "last_preserved_timestamp": preserved = try double()
            default: continue
            }
        }
        guard let model else {
            throw CheckpointError.invalidStateFile(file: file, line: 1, reason: "no model_checkpoint_path")
        }
        self.init(modelCheckpointPath: model, allModelCheckpointPaths: all.isEmpty ? [model] : all,
                  allModelCheckpointTimestamps: stamps, lastPreservedTimestamp: preserved)
    }

    /// Reads `<directory>/checkpoint`; nil when there is none.
    public static func read(directory: String) throws -> CheckpointState? {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.io(file: path, operation: "read", reason: "unreadable")
        }
        return try CheckpointState(parsing: String(decoding: data, as: UTF8.self), file: path)
    }

    /// Where the newest checkpoint is, or nil when it is not there. A relative path is joined to
    /// `directory`; an absolute path that no longer exists (the directory was moved or copied)
    /// falls back to the same file name inside `directory`, as `tf.train.latest_checkpoint` users
    /// expect. `exists` says whether a checkpoint is at a path (TensorFlow names prefixes: pass a
    /// check for `<prefix>.index`).
    public func latestCheckpoint(in directory: String,
                                 exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        let recorded = modelCheckpointPath
        let isAbsolute = recorded.hasPrefix("/")
        let path = isAbsolute ? recorded : URL(fileURLWithPath: directory).appendingPathComponent(recorded).path
        if exists(path) { return path }
        guard isAbsolute else { return nil }
        let local = URL(fileURLWithPath: directory).appendingPathComponent((recorded as NSString).lastPathComponent).path
        return exists(local) ? local : nil
    }

    /// Atomically replaces `<directory>/checkpoint`.
    public func write(directory: String) throws {
        try AtomicFile.write(text: text, to: URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName).path)
    }

    private func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func number(_ d: Double) -> String { String(d) }

    private static func unquote(_ s: String) -> String? {
        guard s.count >= 2, let q = s.first, q == "\"" || q == "'", s.last == q else { return nil }
        var out = ""
        var escaped = false
        for ch in s.dropFirst().dropLast() {
            if escaped {
                switch ch { case "n": out.append("\n"); case "t": out.append("\t"); default: out.append(ch) }
                escaped = false
            } else if ch == "\\" { escaped = true } else { out.append(ch) }
        }
        return escaped ? nil : out
    }
}
