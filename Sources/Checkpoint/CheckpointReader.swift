import Foundation
import HDF5
import Linalg

/// Opens a checkpoint, checks its structure, and reads variables on demand.
///
/// Opening validates the format name and version, the variable index against the stored
/// datasets (nothing missing, nothing extra, every `tf_name` consistent) and every declared
/// shape against the file size; reading a variable rejects NaN/Inf; `readAll` also checks the
/// recorded SHA-256.
///
/// ```swift
/// let reader = try CheckpointReader(path: "run/model.ckpt-100.h5")
/// print(reader.variableNames, reader.metadata.globalStep)
/// var store = model.variables
/// try reader.restore(into: &store)                     // everything, strictly
/// try reader.restore(into: &store, selection: .renamed(["encoder/kernel": "dense/kernel"]))
/// ```
public final class CheckpointReader {
    public let path: String
    public let metadata: CheckpointMetadata
    /// Variable names in the order they were saved.
    public let variableNames: [String]
    private let file: H5File
    private let variables: H5Group
    private let recordedDigest: String?

    /// What the file declares about one variable, read without loading it.
    public struct VariableInfo: Equatable, Sendable {
        public var name: String
        public var shape: [Int]
        public var dtype: DType
        /// Bytes of the values in memory (`elements x dtype size`).
        public var bytes: Int
        /// Bytes the dataset occupies in the file (after compression).
        public var storedBytes: Int
    }

    /// Opens and checks the checkpoint at `path`. `codePrior: false` leaves
    /// `metadata.codePrior` nil without reading it (its covariance is k x k floats, 4 MB for a
    /// 1000-unit code, which only `generate` needs); `readCodePrior()` reads it later.
    public init(path: String, codePrior: Bool = true) throws {
        self.path = path
        do {
            file = try H5File.open(path)
            typealias A = CheckpointLayout.RootAttribute
            guard try file.hasAttribute(A.format), try file.attribute(A.format).stringValue == CheckpointLayout.formatName else {
                throw CheckpointError.notACheckpoint(file: path, reason: "root attribute '\(A.format)' is not \"\(CheckpointLayout.formatName)\"")
            }
            guard let version = try? file.attribute(A.formatVersion).int64Value else {
                throw CheckpointError.invalidMetadata(file: path, field: A.formatVersion, reason: "missing or not an integer")
            }
            guard version >= 1, version <= CheckpointLayout.formatVersion else {
                throw CheckpointError.unsupportedVersion(file: path, found: version, supported: CheckpointLayout.formatVersion)
            }
            guard try file.kind(of: CheckpointLayout.variablesGroup) == .group else {
                throw CheckpointError.notACheckpoint(file: path, reason: "group '/\(CheckpointLayout.variablesGroup)' is missing")
            }
            variables = try file.openGroup(CheckpointLayout.variablesGroup)
            guard let names = try? file.attribute(A.variableNames).stringsValue else {
                throw CheckpointError.invalidMetadata(file: path, field: A.variableNames, reason: "missing or not a list of strings")
            }
            variableNames = names
            recordedDigest = try file.hasAttribute(A.variablesSHA256) ? file.attribute(A.variablesSHA256).stringValue : nil
            metadata = try Self.readMetadata(file, path: path, codePrior: codePrior)
            try Self.checkIndex(names, against: variables, path: path)
        } catch {
            throw CheckpointError.from(error, file: path)
        }
    }

    /// Closes the file (also done when the reader is released).
    public func close() throws { try file.close() }

    /// Shape, dtype and sizes of a variable, without reading it.
    public func info(of name: String) throws -> VariableInfo {
        let dataset = try openVariable(name)
        do {
            let shape = try dataset.shape()
            let dtype = try Self.dtype(of: dataset, name: name, path: path)
            var elements = 1
            for d in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow else { throw CheckpointError.absurdSize(file: path, variable: name, declaredBytes: Int.max) }
                elements = p
            }
            let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
            return VariableInfo(name: name, shape: shape, dtype: dtype, bytes: overflow ? Int.max : bytes, storedBytes: try dataset.storageSize())
        } catch {
            throw CheckpointError.from(error, file: path, variable: name)
        }
    }

    /// Reads one variable; rejects NaN/Inf, declared sizes the file cannot hold, and values that
    /// do not match the variable's recorded SHA-256 (when the file has one).
    public func tensor(named name: String) throws -> Tensor {
        try readVerified([name], verification: .eachVariable)[0]
    }

    /// How the values a read returns are checked against the SHA-256s the file records.
    public enum DigestCheck: Sendable, Equatable {
        /// Against the recorded digests: each variable's own `sha256`, or `variables_sha256` for
        /// a full read.
        case recorded
        /// Not hashed here, because the caller checks the whole file's bytes against a digest it
        /// trusts (a zoo registry pin: `aezoo` hashes the file while this reads it) and must not
        /// use the values unless that check passes. Fletcher-32, Adler-32 and NaN/Inf checks still run.
        case wholeFileCheckedByCaller
    }

    /// Reads the named variables only (e.g. a model's weights without its optimizer slots),
    /// each verified against its own SHA-256 unless `digests` says the caller checks the file.
    /// The fast path for inference.
    public func readVariables(_ names: [String], digests: DigestCheck = .recorded) throws -> VariableStore {
        let verification: Verification = digests == .recorded ? .eachVariable : .none
        return VariableStore(zip(names, try readVerified(names, verification: verification)).map { ($0, $1) })
    }

    /// Reads every variable in saved order and checks the recorded SHA-256.
    public func readAll(verifyChecksum: Bool = true) throws -> VariableStore {
        VariableStore(zip(variableNames, try readVerified(variableNames, verification: fullReadVerification(verifyChecksum))).map { ($0, $1) })
    }

    /// How reading every variable is verified: one pass of hashing, since the whole-file digest
    /// covers every variable; per-variable digests only when there is no whole-file one.
    private func fullReadVerification(_ verify: Bool) -> Verification {
        guard verify else { return .none }
        return recordedDigest.map { .wholeCheckpoint(recorded: $0) } ?? .eachVariable
    }

    /// Everything in the file.
    public func contents() throws -> CheckpointContents {
        CheckpointContents(variables: try readAll(), metadata: metadata)
    }

    /// Which variables `restore` copies.
    public enum Selection: Sendable, Equatable {
        /// Every variable of the target store, and the file must hold no others (strict, as a
        /// model restore should be: a missing or extra variable means the wrong checkpoint).
        case all
        /// These names only (same name in file and store); other file variables are ignored.
        case names([String])
        /// Target name -> name in the file, e.g. `["encoder/kernel": "dense/kernel"]` to
        /// restore one model's encoder into another.
        case renamed([String: String])
    }

    /// Copies variables from the file into `store`. A variable already in `store` must match the
    /// file's shape and dtype (the error names it and both shapes); new names are added.
    /// Returns the target names restored, in order.
    @discardableResult
    public func restore(into store: inout VariableStore, selection: Selection = .all) throws -> [String] {
        let pairs: [(target: String, source: String)]
        switch selection {
        case .all:
            let fileNames = Set(variableNames)
            for name in store.names where !fileNames.contains(name) { throw CheckpointError.missingVariable(file: path, name: name) }
            if !store.isEmpty, let extra = variableNames.first(where: { !store.contains($0) }) {
                throw CheckpointError.unexpectedVariable(file: path, name: extra)
            }
            pairs = variableNames.map { ($0, $0) }
        case let .names(names):
            pairs = names.map { ($0, $0) }
        case let .renamed(map):
            pairs = map.keys.sorted().map { ($0, map[$0]!) }
        }
        let known = Set(variableNames)
        // A full restore checks the whole-file digest, so it skips the per-variable ones.
        let verification = selection == .all ? fullReadVerification(true) : .eachVariable
        let tensors = try readVerified(pairs.map(\.source), verification: verification) { i in
            let (target, source) = pairs[i]
            guard known.contains(source) else { throw CheckpointError.missingVariable(file: path, name: source) }
            if let existing = store[target] {
                let info = try info(of: source)
                let label = target == source ? target : "\(target)' <- '\(source)"
                guard info.shape == existing.shape else {
                    throw CheckpointError.shapeMismatch(file: path, variable: label, expected: existing.shape, found: info.shape)
                }
                guard info.dtype == existing.dtype else {
                    throw CheckpointError.dtypeMismatch(file: path, variable: label, expected: existing.dtype.rawValue, found: info.dtype.rawValue)
                }
            }
        }
        // Assign only after everything loaded and checked: a failed restore leaves `store` as it was.
        for (pair, tensor) in zip(pairs, tensors) { store[pair.target] = tensor }
        return pairs.map(\.target)
    }

    // MARK: Reading and verifying

    /// What the variables a read returns are checked against.
    private enum Verification {
        /// Each variable against its own `sha256` attribute (when it has one).
        case eachVariable
        /// All of them, in index order, against the root's `variables_sha256`.
        case wholeCheckpoint(recorded: String)
        case none
    }

    /// Reads `names` in order; `beforeEach(i)` runs before the `i`th is read (to check it
    /// against its target). The SHA-256 of each variable read is computed on another thread
    /// while the next ones are read and decompressed, and every digest is compared before
    /// anything is returned.
    private func readVerified(_ names: [String], verification: Verification,
                              beforeEach: (Int) throws -> Void = { _ in }) throws -> [Tensor] {
        let digests = BackgroundDigests()
        var tensors: [Tensor] = []
        tensors.reserveCapacity(names.count)
        var recorded: [(name: String, sha256: String)] = []
        for (i, name) in names.enumerated() {
            try beforeEach(i)
            let dataset = try openVariable(name)
            let tensor = try readTensor(dataset, name: name)
            switch verification {
            case .eachVariable:
                if let sha256 = try recordedSHA256(of: dataset, name: name) {
                    digests.add(name, tensor, whole: false, own: true)
                    recorded.append((name, sha256))
                }
            case .wholeCheckpoint:
                digests.add(name, tensor, whole: true, own: false)
            case .none:
                break
            }
            tensors.append(tensor)
        }
        switch verification {
        case .eachVariable:
            for (name, expected) in recorded {
                let computed = digests.digest(of: name)
                guard computed == expected else {
                    throw CheckpointError.checksumMismatch(file: path, expected: "\(expected) for '\(name)'", found: computed)
                }
            }
        case let .wholeCheckpoint(expected):
            let computed = digests.wholeDigest()
            guard computed == expected else { throw CheckpointError.checksumMismatch(file: path, expected: expected, found: computed) }
        case .none:
            break
        }
        return tensors
    }

    /// One variable's values; rejects NaN/Inf and declared sizes the file cannot hold.
    private func readTensor(_ dataset: H5Dataset, name: String) throws -> Tensor {
        do {
            let shape = try dataset.shape()
            switch try Self.dtype(of: dataset, name: name, path: path) {
            case let dtype where dtype == .float32 || dtype == .float64:
                let values = try dataset.read(as: Float.self)
                if let index = FiniteCheck.firstNonFinite(values) {
                    throw CheckpointError.nonFinite(file: path, variable: name, index: index, value: values[index])
                }
                return Tensor(shape: shape, floats: values, dtype: dtype)
            case let dtype:
                return Tensor(shape: shape, ints: try dataset.read(as: Int64.self), dtype: dtype)
            }
        } catch {
            throw CheckpointError.from(error, file: path, variable: name)
        }
    }

    private func recordedSHA256(of dataset: H5Dataset, name: String) throws -> String? {
        do {
            guard try dataset.hasAttribute(CheckpointLayout.sha256Attribute) else { return nil }
            return try dataset.attribute(CheckpointLayout.sha256Attribute).stringValue
        } catch {
            throw CheckpointError.from(error, file: path, variable: name)
        }
    }

    // MARK: Internals

    private func openVariable(_ name: String) throws -> H5Dataset {
        guard variableNames.contains(name) else { throw CheckpointError.missingVariable(file: path, name: name) }
        do {
            return try variables.openDataset(CheckpointLayout.linkName(forVariable: name))
        } catch {
            throw CheckpointError.from(error, file: path, variable: name)
        }
    }

    private static func dtype(of dataset: H5Dataset, name: String, path: String) throws -> DType {
        switch try dataset.dtype() {
        case .float32?: return .float32
        case .float64?: return .float64
        case .int32?: return .int32
        case .int64?: return .int64
        case let other:
            throw CheckpointError.dtypeMismatch(file: path, variable: name, expected: "float32, float64, int32 or int64",
                                                found: other?.rawValue ?? "a non-numeric type")
        }
    }

    private static func checkIndex(_ names: [String], against group: H5Group, path: String) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw CheckpointError.invalidMetadata(file: path, field: CheckpointLayout.RootAttribute.variableNames, reason: "'\(name)' is listed twice")
        }
        var stored = Set<String>()
        for link in try group.memberNames() {
            guard let name = CheckpointLayout.variableName(forLink: link), seen.contains(name) else {
                throw CheckpointError.unexpectedVariable(file: path, name: CheckpointLayout.variableName(forLink: link) ?? link)
            }
            let dataset = try group.openDataset(link)
            let tfName = try dataset.hasAttribute(CheckpointLayout.tfNameAttribute) ? dataset.attribute(CheckpointLayout.tfNameAttribute).stringValue : nil
            guard tfName == name else {
                throw CheckpointError.invalidMetadata(file: path, field: "\(link)@\(CheckpointLayout.tfNameAttribute)",
                                                      reason: "is \(tfName.map { "'\($0)'" } ?? "missing"), expected '\(name)'")
            }
            stored.insert(name)
        }
        if let missing = names.first(where: { !stored.contains($0) }) {
            throw CheckpointError.missingVariable(file: path, name: missing)
        }
    }

    private static func readMetadata(_ file: H5File, path: String, codePrior: Bool) throws -> CheckpointMetadata {
        typealias A = CheckpointLayout.RootAttribute
        var m = CheckpointMetadata()
        func string(_ key: String) throws -> String? {
            guard try file.hasAttribute(key) else { return nil }
            guard let s = try file.attribute(key).stringValue else {
                throw CheckpointError.invalidMetadata(file: path, field: key, reason: "is not a string")
            }
            return s
        }
        m.formatName = try string(A.format) ?? ""
        m.formatVersion = try file.attribute(A.formatVersion).int64Value ?? 0
        m.creator = try string(A.creator) ?? ""
        m.creatorVersion = try string(A.creatorVersion) ?? ""
        if let created = try string(A.createdAt) {
            guard let date = CheckpointMetadata.parseISO8601(created) else {
                throw CheckpointError.invalidMetadata(file: path, field: A.createdAt, reason: "'\(created)' is not an ISO 8601 time")
            }
            m.createdAt = date
        }
        if try file.hasAttribute(A.globalStep) {
            guard let step = try file.attribute(A.globalStep).int64Value else {
                throw CheckpointError.invalidMetadata(file: path, field: A.globalStep, reason: "is not an integer")
            }
            m.globalStep = step
        }
        m.modelSpecJSON = try string(A.modelSpec)
        m.trainingRecipeJSON = try string(A.trainingRecipe)
        m.metricsHistoryJSON = try string(A.metricsHistory)
        m.trainingStateJSON = try string(A.trainingState)
        if let notes = try string(A.notes) {
            guard let decoded = try? JSONDecoder().decode([String: String].self, from: Data(notes.utf8)) else {
                throw CheckpointError.invalidMetadata(file: path, field: A.notes, reason: "is not a JSON object of strings")
            }
            m.notes = decoded
        }
        switch try string(A.normalization) ?? "none" {
        case "none": m.normalization = .none
        case "standard":
            let mean = try readVector(file, "\(CheckpointLayout.normalizationGroup)/mean", path: path)
            let std = try readVector(file, "\(CheckpointLayout.normalizationGroup)/std", path: path)
            guard mean.count == std.count, std.allSatisfy({ $0 > 0 }) else {
                throw CheckpointError.invalidMetadata(file: path, field: A.normalization, reason: "mean and std must have equal length and std > 0")
            }
            m.normalization = .standard(mean: mean, std: std)
        case let other:
            throw CheckpointError.invalidMetadata(file: path, field: A.normalization, reason: "unknown kind '\(other)' (expected none or standard)")
        }
        if codePrior { m.codePrior = try readCodePrior(file, path: path) }
        return m
    }

    /// The code prior stored in the file, or nil if it has none (read even when the reader was
    /// opened with `codePrior: false`).
    public func readCodePrior() throws -> CheckpointMetadata.CodePrior? {
        do { return try Self.readCodePrior(file, path: path) } catch { throw CheckpointError.from(error, file: path) }
    }

    private static func readCodePrior(_ file: H5File, path: String) throws -> CheckpointMetadata.CodePrior? {
        guard try file.kind(of: CheckpointLayout.codePriorGroup) == .group else { return nil }
        let group = CheckpointLayout.codePriorGroup
        let mean = try readVector(file, "\(group)/mean", path: path)
        let k = mean.count
        let factorPath = "\(group)/\(CheckpointLayout.codePriorFactor)"
        if try file.kind(of: factorPath) == .dataset {
            let l = try readVector(file, factorPath, path: path)
            guard l.count == k * k else {
                throw CheckpointError.invalidMetadata(file: path, field: factorPath, reason: "\(l.count) values for a \(k)-dimensional mean (need \(k * k))")
            }
            for i in 0..<k where !(l[i * k + i] > 0) || l[(i * k + i + 1)..<(i * k + k)].contains(where: { $0 != 0 }) {
                throw CheckpointError.invalidMetadata(file: path, field: factorPath,
                                                      reason: "not a Cholesky factor: row \(i) needs a positive diagonal and zeros above it")
            }
            return .init(mean: mean, choleskyFactor: l)
        }
        // Files written before the factor was stored keep the covariance itself.
        let covariance = try readVector(file, "\(group)/covariance", path: path)
        guard covariance.count == k * k else {
            throw CheckpointError.invalidMetadata(file: path, field: group,
                                                  reason: "covariance has \(covariance.count) values for a \(k)-dimensional mean")
        }
        do {
            let l = try SymmetricDecompositions.cholesky(covariance.map(Double.init), n: k)
            return .init(mean: mean, choleskyFactor: l.map { Float($0) })
        } catch {
            throw CheckpointError.invalidMetadata(file: path, field: "\(group)/covariance", reason: "not positive definite")
        }
    }

    private static func readVector(_ file: H5File, _ name: String, path: String) throws -> [Float] {
        guard try file.kind(of: name) == .dataset else { throw CheckpointError.invalidMetadata(file: path, field: name, reason: "dataset is missing") }
        let values = try file.openDataset(name).read(as: Float.self)
        if let index = FiniteCheck.firstNonFinite(values) {
            throw CheckpointError.nonFinite(file: path, variable: name, index: index, value: values[index])
        }
        return values
    }
}
