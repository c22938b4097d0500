import Linalg

/// One finished epoch: each loss term averaged over the epoch's samples (batch terms weighted by
/// batch size, as the seeds' `avg_cost`), plus the per-pixel MSE of the training reconstructions.
public struct EpochMetrics: Codable, Equatable, Sendable {
    /// 1-based epoch number.
    public var epoch: Int
    public var steps: Int
    public var samples: Int
    public var terms: LossTerms
    /// Mean over pixels of (reconstruction - clean input)^2 during training (noise and VAE sampling included).
    public var meanSquaredError: Double
    public var total: Double { terms.total }
}

/// Running sums for the epoch in progress, saved so a resumed epoch reports what an
/// uninterrupted one would have.
public struct EpochAccumulator: Codable, Equatable, Sendable {
    public var steps = 0
    public var samples = 0
    public var weightedTerms = LossTerms()
    public var squaredError = 0.0
    public init() {}
}

/// Everything besides model variables and optimizer slots that a resumed run needs to continue
/// exactly (bit-identically) where it stopped.
///
/// ```swift
/// let saved = trainer.state                       // with model.variables and trainer.optimizerState
/// let again = try Trainer(model: restoredModel, recipe: recipe)
/// try again.restore(state: saved, optimizerState: slots)
/// ```
public struct TrainingState: Codable, Equatable, Sendable {
    /// Epochs completed.
    public var epoch: Int
    /// Optimizer updates applied (TF's `global_step`).
    public var step: Int
    /// Samples of the current epoch already trained on (its position in the epoch's data order).
    public var position: Int
    /// Rows of the dataset this state refers to (0 before the first `fit`).
    public var sampleCount: Int
    /// Shuffle generator state at the start of the current epoch, before its permutation was drawn.
    public var shuffleState: RandomSource.State
    /// Noise generator state (corruption and VAE sampling) now.
    public var noiseState: RandomSource.State
    public var history: [EpochMetrics]
    public var currentEpoch: EpochAccumulator

    /// The state of a run that has not started, for `seed`.
    public init(seed: UInt64) {
        epoch = 0; step = 0; position = 0; sampleCount = 0
        shuffleState = RandomSource(seed: seed).state
        // A distinct stream for noise, so changing shuffle does not change the noise and vice versa.
        noiseState = RandomSource(seed: seed ^ 0x6E6F_6973_655F_7267).state
        history = []
        currentEpoch = EpochAccumulator()
    }
}
