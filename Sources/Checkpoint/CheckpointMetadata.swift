import Foundation
import Linalg

/// Everything a checkpoint stores besides the variables: who wrote it and when, what the model
/// is, how it was trained, how inputs are normalized, the code prior `generate` samples from, the
/// metrics so far, and the training state needed to resume exactly.
///
/// Structured values the model layer owns (recipe, metrics, training state) are kept as JSON
/// text, encoded and decoded with `setJSON` / `decodeJSON`, so this module never has to
/// understand them and h5py users read them with `json.loads`.
public struct CheckpointMetadata: Equatable, Sendable {
    public var formatName: String = CheckpointLayout.formatName
    public var formatVersion: Int64 = CheckpointLayout.formatVersion
    public var creator: String = CheckpointLayout.creator
    public var creatorVersion: String = CheckpointLayout.creatorVersion
    /// When the file was written (UTC, whole seconds; set by the writer).
    public var createdAt: Date = Date(timeIntervalSince1970: 0)
    /// Training step this checkpoint holds (the `<step>` of `<prefix>-<step>.h5`).
    public var globalStep: Int64 = 0
    /// JSON of the `ModelSpec` (the architecture); typed access: `modelSpec`.
    public var modelSpecJSON: String?
    /// JSON of the training recipe (data, optimizer, learning rate, epochs, seed...).
    public var trainingRecipeJSON: String?
    /// JSON of the per-epoch metrics history.
    public var metricsHistoryJSON: String?
    /// JSON of the training state (RNG state, epoch, position in the data order...).
    public var trainingStateJSON: String?
    public var normalization: Normalization = .none
    public var codePrior: CodePrior?
    /// Free-form string notes (e.g. data provenance); stored as one JSON object.
    public var notes: [String: String] = [:]

    public init() {}

    /// A Gaussian over codes: `generate` samples `mean + L z`; the covariance is `L L^T`.
    ///
    /// The file keeps the factor, not the covariance: it is what sampling needs (no factorisation
    /// when a model is loaded) and its zero upper triangle deflates away, which halves the prior
    /// of a 1000-unit code (4 MB of float32 covariance).
    public struct CodePrior: Equatable, Sendable {
        public var mean: [Float]
        /// Row-major lower-triangular `dimension x dimension` Cholesky factor `L`.
        public var choleskyFactor: [Float]
        public var dimension: Int { mean.count }

        public init(mean: [Float], choleskyFactor: [Float]) {
            self.mean = mean
            self.choleskyFactor = choleskyFactor
        }

        /// The covariance `L L^T`, row-major.
        public var covariance: [Float] {
            let l = Matrix(rows: dimension, cols: dimension, data: choleskyFactor)
            return l.matmul(l, .none, .transposed).data
        }
    }

    /// Encodes `value` as JSON into one of the JSON text fields.
    public mutating func setJSON<T: Encodable>(_ value: T?, for field: WritableKeyPath<CheckpointMetadata, String?>) throws {
        guard let value else { self[keyPath: field] = nil; return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self[keyPath: field] = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes one of the JSON text fields; nil when the field is absent.
    public func decodeJSON<T: Decodable>(_ type: T.Type, from field: KeyPath<CheckpointMetadata, String?>) throws -> T? {
        guard let text = self[keyPath: field] else { return nil }
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

/// What one checkpoint file holds.
///
/// ```swift
/// var contents = CheckpointContents(variables: model.variables)
/// try contents.metadata.setJSON(model.spec, for: \.modelSpecJSON)
/// try CheckpointWriter.write(contents, to: "/runs/a/model.ckpt-100.h5")
/// ```
public struct CheckpointContents: Equatable, Sendable {
    public var variables: VariableStore
    public var metadata: CheckpointMetadata

    public init(variables: VariableStore, metadata: CheckpointMetadata = CheckpointMetadata()) {
        self.variables = variables
        self.metadata = metadata
    }
}
