import Autoencoders
import Evaluation

/// One pretrained variant in the zoo: what it is, how to rebuild it, where its checkpoint is, how
/// good it is. Stored in `zoo/registry.json`; the schema is documented in `zoo/README.md`.
public struct ZooEntry: Codable, Equatable, Sendable {
    /// `<dataset>/<variant>`, e.g. `fashion/sparse-kl-200`: lowercase letters, digits, `-`, one `/`.
    public var id: String
    public var title: String
    /// basic, denoising, sparse, stacked or variational.
    public var family: String
    public var summary: String
    public var spec: ModelSpec
    public var recipe: TrainingRecipe
    public var data: DataSource
    public var checkpoint: CheckpointFile
    /// Filled by `zoo build`; absent for an entry that has not been built yet.
    public var metrics: ZooMetrics?
    /// Picture files (paths inside `zoo/`) shown on the model card.
    public var pictures: [String]
    /// The aezoo version that built the checkpoint.
    public var aezooVersion: String

    /// The checkpoint file of an entry, pinned by content.
    public struct CheckpointFile: Codable, Equatable, Sendable {
        /// Relative to the zoo directory; must stay inside it.
        public var path: String
        public var sha256: String
        public var bytes: Int
        public init(path: String, sha256: String, bytes: Int) { self.path = path; self.sha256 = sha256; self.bytes = bytes }
    }

    public init(id: String, title: String, family: String, summary: String, spec: ModelSpec, recipe: TrainingRecipe,
                data: DataSource, checkpoint: CheckpointFile, metrics: ZooMetrics? = nil, pictures: [String] = [],
                aezooVersion: String) {
        self.id = id; self.title = title; self.family = family; self.summary = summary; self.spec = spec
        self.recipe = recipe; self.data = data; self.checkpoint = checkpoint; self.metrics = metrics
        self.pictures = pictures; self.aezooVersion = aezooVersion
    }

    /// The directory holding the entry's files, relative to the zoo: `fashion/sparse-kl-200`.
    public var folder: String { id }
}

/// Which data a variant was trained and tested on, and where it comes from.
public struct DataSource: Codable, Equatable, Sendable {
    /// A dataset aezoo knows how to find: `fashion-mnist`, `mnist-5k` or `digits-8x8`.
    public var dataset: String
    /// How train and test were split, in words.
    public var split: String
    public var provenance: String
    public var license: String
    public init(dataset: String, split: String, provenance: String, license: String) {
        self.dataset = dataset; self.split = split; self.provenance = provenance; self.license = license
    }
}

/// Measured quality of a built variant (all on the test split unless named otherwise).
public struct ZooMetrics: Codable, Equatable, Sendable {
    /// Mean over pixels of (reconstruction - input)^2, inputs in [0, 1].
    public var testMSE: Double
    /// PCA with as many components as the code, fitted on the training split's pixels.
    public var pcaMSE: Double
    /// For variants trained on normalized inputs: PCA with as many components fitted on the
    /// normalized training split (the space the model trains in), scored in pixels like the model.
    public var pcaModelSpaceMSE: Double?
    /// How local the first layer's weights are (median window energy and effective pixels), with
    /// PCA's components in the model's space next to them.
    public var locality: LocalitySummary?
    /// Mean activation of the code units over the test set.
    public var meanCodeActivation: Double
    /// The sparsity target rho, for sparse variants.
    public var sparsityTarget: Double?
    /// Code units never above the activity threshold on the test set.
    public var deadUnits: Int
    public var codeUnits: Int
    /// Logistic regression on the codes (train split) scored on the test split.
    public var probeAccuracy: Double
    /// The same probe on raw pixels.
    public var rawProbeAccuracy: Double
    /// Each loss term at the end of training (training-set averages).
    public var finalLoss: [String: Double]
    public var trainSeconds: Double

    public init(testMSE: Double, pcaMSE: Double, pcaModelSpaceMSE: Double? = nil, locality: LocalitySummary? = nil,
                meanCodeActivation: Double, sparsityTarget: Double?, deadUnits: Int,
                codeUnits: Int, probeAccuracy: Double, rawProbeAccuracy: Double, finalLoss: [String: Double], trainSeconds: Double) {
        self.testMSE = testMSE; self.pcaMSE = pcaMSE; self.pcaModelSpaceMSE = pcaModelSpaceMSE; self.locality = locality
        self.meanCodeActivation = meanCodeActivation
        self.sparsityTarget = sparsityTarget; self.deadUnits = deadUnits; self.codeUnits = codeUnits
        self.probeAccuracy = probeAccuracy; self.rawProbeAccuracy = rawProbeAccuracy
        self.finalLoss = finalLoss; self.trainSeconds = trainSeconds
    }
}
