/// How a model was (or will be) trained, as data: what `aezoo train` reads and the zoo records.
///
/// ```swift
/// let recipe = TrainingRecipe(epochs: 20, batchSize: 128, optimizer: .adam(learningRate: 1e-3), seed: 7)
/// let trainer = try Trainer(model: model, recipe: recipe)
/// ```
public struct TrainingRecipe: Codable, Equatable, Sendable {
    /// How raw inputs are scaled before the model sees them (the fitted values live in the checkpoint).
    public enum NormalizationChoice: String, Codable, Sendable, CaseIterable {
        /// Pixels as read, in [0, 1].
        case none
        /// Per-feature standard scaler fitted on the training data (the seeds' `StandardScaler`).
        case standard
    }

    /// Where the training data came from; free text the zoo shows and checks nothing against.
    public struct DatasetDescription: Codable, Equatable, Sendable {
        public var name: String
        public var split: String
        public var source: String
        public var license: String
        public init(name: String = "", split: String = "", source: String = "", license: String = "") {
            self.name = name; self.split = split; self.source = source; self.license = license
        }
    }

    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerConfig
    /// Seeds model initialisation, the per-epoch shuffle and the training noise.
    public var seed: UInt64
    /// Reshuffle the data order at the start of every epoch.
    public var shuffle: Bool
    /// Training corruption; `nil` uses the spec's `corruption`.
    public var noise: ModelSpec.Corruption?
    public var normalization: NormalizationChoice
    public var dataset: DatasetDescription
    /// Row blocks each batch is split into; the blocks go forward and backward in parallel and
    /// their gradients are summed. How the sums are grouped changes the float32 results, so the
    /// count is part of the recipe rather than taken from the machine: the same seed and shard
    /// count give bit-identical weights on 1 core or 64 (a core count below the shard count only
    /// runs shards one after another). Batches with fewer rows than `shards` use one row per shard.
    public var shards: Int
    /// How the learning rate changes over the run; `nil` keeps it constant. Omitted from JSON when nil.
    public var schedule: LearningRateSchedule?

    public init(epochs: Int, batchSize: Int, optimizer: OptimizerConfig, seed: UInt64 = 0, shuffle: Bool = true,
                noise: ModelSpec.Corruption? = nil, normalization: NormalizationChoice = .none,
                dataset: DatasetDescription = .init(), shards: Int = TrainingRecipe.defaultShards,
                schedule: LearningRateSchedule? = nil) {
        self.epochs = epochs; self.batchSize = batchSize; self.optimizer = optimizer; self.seed = seed
        self.shuffle = shuffle; self.noise = noise; self.normalization = normalization; self.dataset = dataset
        self.shards = shards; self.schedule = schedule
    }

    /// Shards when a recipe does not say: one per core of the machines aezoo is developed on.
    public static let defaultShards = 2
    /// Most shards a recipe may ask for (each holds a full set of gradients).
    public static let maximumShards = 256

    /// Throws `AutoencoderError.invalidSpec` unless `shards` is in 1...`maximumShards`.
    public static func validateShards(_ shards: Int) throws {
        guard shards >= 1, shards <= maximumShards else {
            throw AutoencoderError.invalidSpec("recipe shards must be in 1...\(maximumShards), got \(shards)")
        }
    }

    /// Largest accepted batch, so a recipe cannot request an unbounded buffer.
    public static let maximumBatchSize = 1 << 20

    /// Throws `AutoencoderError.invalidSpec` naming the bad field.
    public func validate() throws {
        guard epochs >= 0 else { throw AutoencoderError.invalidSpec("recipe epochs must be >= 0, got \(epochs)") }
        guard batchSize > 0, batchSize <= Self.maximumBatchSize else {
            throw AutoencoderError.invalidSpec("recipe batchSize must be in 1...\(Self.maximumBatchSize), got \(batchSize)")
        }
        try Self.validateShards(shards)
        try optimizer.validate()
        try schedule?.validate()
    }
}

extension TrainingRecipe {
    enum CodingKeys: String, CodingKey { case epochs, batchSize, optimizer, seed, shuffle, noise, normalization, dataset, shards, schedule }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(epochs: try c.decode(Int.self, forKey: .epochs),
                  batchSize: try c.decode(Int.self, forKey: .batchSize),
                  optimizer: try c.decode(OptimizerConfig.self, forKey: .optimizer),
                  seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0,
                  shuffle: try c.decodeIfPresent(Bool.self, forKey: .shuffle) ?? true,
                  noise: try c.decodeIfPresent(ModelSpec.Corruption.self, forKey: .noise),
                  normalization: try c.decodeIfPresent(NormalizationChoice.self, forKey: .normalization) ?? .none,
                  dataset: try c.decodeIfPresent(DatasetDescription.self, forKey: .dataset) ?? .init(),
                  shards: try c.decodeIfPresent(Int.self, forKey: .shards) ?? Self.defaultShards,
                  schedule: try c.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule))
    }
}
