import Foundation
import Linalg

/// What `aezoo inspect` shows: every variable with its statistics, the optimizer state, and the
/// metadata, as a Codable report (for `--json`) or a text table. Like TensorFlow's
/// `inspect_checkpoint`, for aezoo files.
///
/// ```swift
/// let report = try CheckpointInspector.inspect("runs/a", checksums: true)  // file or directory
/// print(report.text)
/// ```
public enum CheckpointInspector {
    /// Inspects a checkpoint file, or the latest checkpoint of a directory. Reads every variable
    /// (so damaged files are reported as errors) and verifies the recorded SHA-256.
    public static func inspect(_ path: String, checksums: Bool = false) throws -> CheckpointReport {
        let file = try Saver.resolveCheckpoint(path)
        let reader = try CheckpointReader(path: file)
        defer { try? reader.close() }
        let variables = try reader.readAll(verifyChecksum: true)
        let m = reader.metadata
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        var summaries: [CheckpointReport.Variable] = []
        for (name, tensor) in variables {
            let info = try reader.info(of: name)
            summaries.append(summary(name: name, tensor: tensor, role: role(of: name, in: variables),
                                     storedBytes: info.storedBytes, checksum: checksums))
        }
        var normalization = CheckpointReport.NormalizationSummary(kind: "none", features: nil)
        if case let .standard(mean, _) = m.normalization { normalization = .init(kind: "standard", features: mean.count) }
        return CheckpointReport(
            file: file, fileBytes: fileBytes, format: m.formatName, formatVersion: m.formatVersion,
            creator: m.creator, creatorVersion: m.creatorVersion, createdAt: CheckpointMetadata.iso8601(m.createdAt),
            globalStep: m.globalStep,
            variables: summaries.filter { $0.role == .model },
            optimizerState: summaries.filter { $0.role != .model },
            parameterCount: summaries.filter { $0.role == .model }.reduce(0) { $0 + $1.shape.reduce(1, *) },
            normalization: normalization, codePriorDimension: m.codePrior?.dimension,
            modelSpec: m.modelSpecJSON.flatMap(JSONValue.init(parsing:)),
            trainingRecipe: m.trainingRecipeJSON.flatMap(JSONValue.init(parsing:)),
            metricsHistory: m.metricsHistoryJSON.flatMap(JSONValue.init(parsing:)),
            trainingState: m.trainingStateJSON.flatMap(JSONValue.init(parsing:)),
            notes: m.notes, variablesSHA256: VariableDigest.hex(of: variables))
    }

    /// Classifies a variable by TensorFlow's conventions: `<v>/<slot>` where `<v>` is another
    /// stored variable is an optimizer slot (`dense/kernel/Adam`); `beta1_power`, `beta2_power`,
    /// `global_step`, `iterations` and names under `optimizer/` are optimizer state; the rest is
    /// the model.
    public static func role(of name: String, in variables: VariableStore) -> CheckpointReport.Role {
        if ["beta1_power", "beta2_power", "global_step", "iterations", "iter"].contains(name) || name.hasPrefix("optimizer/") {
            return .optimizerState
        }
        var prefix = Substring(name)
        while let slash = prefix.lastIndex(of: "/") {
            prefix = prefix[..<slash]
            if variables.contains(String(prefix)) { return .optimizerSlot }
        }
        return .model
    }

    static func summary(name: String, tensor: Tensor, role: CheckpointReport.Role, storedBytes: Int, checksum: Bool) -> CheckpointReport.Variable {
        var low = Double.infinity, high = -Double.infinity, sum = 0.0
        if tensor.isFloating {
            for v in tensor.floats { let d = Double(v); low = min(low, d); high = max(high, d); sum += d }
        } else {
            for v in tensor.ints { let d = Double(v); low = min(low, d); high = max(high, d); sum += d }
        }
        let n = tensor.elementCount
        return .init(name: name, role: role, shape: tensor.shape, dtype: tensor.dtype.rawValue, bytes: tensor.byteCount,
                     storedBytes: storedBytes, min: n > 0 ? low : nil, max: n > 0 ? high : nil, mean: n > 0 ? sum / Double(n) : nil,
                     sha256: checksum ? VariableDigest.elementsHex(tensor) : nil)
    }
}

/// The result of `CheckpointInspector.inspect`.
public struct CheckpointReport: Codable, Equatable, Sendable {
    public enum Role: String, Codable, Sendable {
        case model
        case optimizerSlot = "optimizer_slot"
        case optimizerState = "optimizer_state"
    }

    public struct Variable: Codable, Equatable, Sendable {
        public var name: String
        public var role: Role
        public var shape: [Int]
        public var dtype: String
        /// Bytes in memory.
        public var bytes: Int
        /// Bytes in the file, after compression.
        public var storedBytes: Int
        public var min: Double?
        public var max: Double?
        public var mean: Double?
        /// SHA-256 of the elements (little-endian), when checksums were requested.
        public var sha256: String?
    }

    public struct NormalizationSummary: Codable, Equatable, Sendable {
        public var kind: String
        public var features: Int?
    }

    public var file: String
    public var fileBytes: Int
    public var format: String
    public var formatVersion: Int64
    public var creator: String
    public var creatorVersion: String
    public var createdAt: String
    public var globalStep: Int64
    public var variables: [Variable]
    public var optimizerState: [Variable]
    public var parameterCount: Int
    public var normalization: NormalizationSummary
    public var codePriorDimension: Int?
    public var modelSpec: JSONValue?
    public var trainingRecipe: JSONValue?
    public var metricsHistory: JSONValue?
    public var trainingState: JSONValue?
    public var notes: [String: String]
    /// The verified SHA-256 of all variables (FORMAT.md `variables_sha256`).
    public var variablesSHA256: String

    /// Pretty JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A human-readable table.
    public var text: String {
        var lines: [String] = []
        lines.append("\(file)")
        lines.append("  format \(format) v\(formatVersion), written by \(creator) \(creatorVersion) at \(createdAt)")
        lines.append("  step \(globalStep), \(parameterCount) model parameters, file \(fileBytes) bytes, sha256 \(variablesSHA256.prefix(16))… (verified)")
        lines.append("  normalization \(normalization.kind)\(normalization.features.map { " (\($0) features)" } ?? "")"
                     + (codePriorDimension.map { ", code prior N(mean, cov) in \($0) dims" } ?? ""))
        let withChecksums = (variables + optimizerState).contains { $0.sha256 != nil }
        func table(_ title: String, _ rows: [Variable]) {
            guard !rows.isEmpty else { return }
            lines.append("")
            lines.append(title)
            var header = ["name", "shape", "dtype", "bytes", "stored", "min", "max", "mean"]
            if withChecksums { header.append("sha256") }
            var cells = [header]
            for v in rows {
                var row = [v.name, "[" + v.shape.map(String.init).joined(separator: ", ") + "]", v.dtype, String(v.bytes), String(v.storedBytes),
                           format(v.min), format(v.max), format(v.mean)]
                if withChecksums { row.append(v.sha256.map { String($0.prefix(16)) } ?? "") }
                cells.append(row)
            }
            let widths = (0..<header.count).map { c in cells.map { $0[c].count }.max() ?? 0 }
            for row in cells {
                lines.append("  " + row.enumerated().map { c, cell in
                    c == 0 || c == 2 || c == 1 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[c] - cell.count) + cell
                }.joined(separator: "  "))
            }
        }
        table("Model variables", variables)
        table("Optimizer state", optimizerState)
        func section(_ title: String, _ value: JSONValue?) {
            guard let value, let data = try? JSONEncoder().encode(value) else { return }
            lines.append("")
            lines.append("\(title): \(String(decoding: data, as: UTF8.self))")
        }
        section("Model spec", modelSpec)
        section("Training recipe", trainingRecipe)
        if case let .array(epochs)? = metricsHistory { lines.append(""); lines.append("Metrics history: \(epochs.count) epochs") }
        section("Training state", trainingState)
        if !notes.isEmpty { lines.append(""); lines.append("Notes: " + notes.keys.sorted().map { "\($0)=\(notes[$0]!)" }.joined(separator: ", ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.6g", value)
    }
}
