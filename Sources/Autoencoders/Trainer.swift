import Console
import Foundation
import Linalg

/// What a `Trainer` callback is told.
public enum TrainingEvent: Sendable {
    /// After an optimizer update: the batch's terms, its size, and the trainer state after it.
    case step(terms: LossTerms, batchRows: Int, state: TrainingState)
    /// After an epoch's last update.
    case epoch(EpochMetrics, state: TrainingState)
}

/// A callback's answer: keep going or stop cleanly after this event.
public enum TrainingControl: Sendable { case proceed, stop }

/// Trains an `Autoencoder` with an `Optimizer`: shuffled mini-batches, training-only noise, every loss
/// term reported, a NaN/Inf guard, and a `TrainingState` that resumes bit-identically.
///
/// ```swift
/// let model = try Autoencoder(spec: spec, seed: recipe.seed)
/// let trainer = try Trainer(model: model, recipe: recipe)
/// let history = try trainer.fit(train, epochs: recipe.epochs) { event in
///     if case .epoch(let m, _) = event { print(m.epoch, m.total) }
///     return .proceed
/// }
/// let cost = try trainer.totalCost(test)
/// ```
///
/// A step runs on every core: the batch is split into `shards` row blocks that go forward and
/// backward in parallel on a `ComputePool`, each with its own buffers and gradients; the shards'
/// gradients are then summed and the optimizer applied over parameter chunks, again on every core
/// (`GradientReduction`). The shard count belongs to the recipe, not to the machine: the same seed
/// and shard count give the same bits whatever the number of cores.
///
/// Buffers are built once per batch shape (the full batch and the epoch's short last batch) and
/// reused, so a step allocates nothing. Progress (rate, ETA) goes to stderr only when it is a terminal.
public final class Trainer {
    public let model: Autoencoder
    public let optimizer: any Optimizer
    public let batchSize: Int
    public let shuffle: Bool
    /// The corruption applied to training inputs (never at encode time).
    public let corruption: ModelSpec.Corruption
    public private(set) var state: TrainingState
    /// Row blocks each batch is split into (see `TrainingRecipe.shards`).
    public let shards: Int
    /// The threads a step runs on.
    public let pool: ComputePool
    /// Draw a progress line on stderr: `nil` (default) means only when stderr is a terminal.
    public var showsProgress: Bool?
    /// Scales the optimizer's learning rate before every update (from the recipe; `nil`: constant).
    public var schedule: LearningRateSchedule?
    /// The schedule's horizon in epochs (the recipe's `epochs`).
    public var scheduleEpochs: Int = 0
    /// The optimizer's learning rate before any schedule.
    public let baseLearningRate: Float

    private var batches: [Int: ShardedBatch] = [:]
    private let reduction: GradientReduction
    private var noise: RandomSource

    /// A trainer starting from scratch. `seed` drives the shuffle and the noise streams; `shards`
    /// is the number of row blocks per batch (part of the arithmetic, see `TrainingRecipe.shards`);
    /// `pool` the threads that run them.
    public init(model: Autoencoder, optimizer: any Optimizer, batchSize: Int, seed: UInt64,
                shuffle: Bool = true, corruption: ModelSpec.Corruption? = nil,
                shards: Int = TrainingRecipe.defaultShards, pool: ComputePool = .shared) throws {
        guard batchSize > 0, batchSize <= TrainingRecipe.maximumBatchSize else {
            throw AutoencoderError.invalidSpec("batch size must be in 1...\(TrainingRecipe.maximumBatchSize), got \(batchSize)")
        }
        try TrainingRecipe.validateShards(shards)
        try optimizer.config.validate()
        self.model = model; self.optimizer = optimizer; self.batchSize = batchSize; self.shuffle = shuffle
        self.corruption = corruption ?? model.spec.corruption
        self.shards = shards; self.pool = pool
        baseLearningRate = optimizer.config.learningRate
        state = TrainingState(seed: seed)
        noise = RandomSource(state: state.noiseState)!
        reduction = GradientReduction(shapes: model.parameters, isKernel: model.plan.isKernel, shards: shards, pool: pool)
        optimizer.prepare(names: model.plan.names, shapes: model.plan.shapes)
    }

    /// A trainer configured by `recipe` (batch size, optimizer, seed, shuffle, noise, shards).
    public convenience init(model: Autoencoder, recipe: TrainingRecipe, pool: ComputePool = .shared) throws {
        try recipe.validate()
        try self.init(model: model, optimizer: recipe.optimizer.makeOptimizer(), batchSize: recipe.batchSize,
                      seed: recipe.seed, shuffle: recipe.shuffle, corruption: recipe.noise, shards: recipe.shards, pool: pool)
        schedule = recipe.schedule
        scheduleEpochs = recipe.epochs
    }

    /// The learning rate the next update uses: the base rate times the schedule's multiplier at the
    /// current step (steps per epoch from the training data's row count, once training has seen it).
    public var currentLearningRate: Float {
        guard let schedule, state.sampleCount > 0 else { return baseLearningRate }
        let perEpoch = (state.sampleCount + batchSize - 1) / batchSize
        return baseLearningRate * schedule.multiplier(step: state.step, stepsPerEpoch: perEpoch, epochs: scheduleEpochs)
    }

    /// The optimizer's slots and scalars, plus `global_step` (int64), under TensorFlow names.
    public var optimizerState: VariableStore {
        var store = optimizer.exportState()
        store["global_step"] = Tensor(scalar: Int64(state.step))
        return store
    }

    /// Continues a run saved as `state` + `optimizerState` (the model's variables are loaded separately).
    public func restore(state saved: TrainingState, optimizerState store: VariableStore) throws {
        guard let rng = RandomSource(state: saved.noiseState), RandomSource(state: saved.shuffleState) != nil else {
            throw TrainingError.badState("random generator state is malformed")
        }
        guard saved.epoch >= 0, saved.step >= 0, saved.position >= 0, saved.sampleCount >= 0,
              saved.position <= saved.sampleCount else {
            throw TrainingError.badState("epoch \(saved.epoch), step \(saved.step), position \(saved.position) of \(saved.sampleCount) is inconsistent")
        }
        var slots = store
        if let step = store["global_step"] {
            guard step.elementCount == 1, Int(step.scalarValue) == saved.step else {
                throw TrainingError.badState("global_step \(step.scalarValue) differs from the state's step \(saved.step)")
            }
            slots["global_step"] = nil
        }
        try optimizer.importState(slots)
        state = saved
        noise = rng
    }

    // MARK: Training loops

    /// Trains until `epochs` epochs are complete in total (a restored run continues mid-epoch).
    /// Returns the metrics of every completed epoch, including earlier ones in the state.
    @discardableResult
    public func fit(_ data: Matrix, epochs: Int,
                    onEvent: ((TrainingEvent) throws -> TrainingControl)? = nil) throws -> [EpochMetrics] {
        try DenormalFlushing.run { try run(data, epochs: epochs, maxSteps: nil, onEvent: onEvent) }
        return state.history
    }

    /// Trains exactly `steps` more updates (crossing epoch boundaries as needed), or fewer if a callback stops.
    public func train(_ data: Matrix, steps: Int, onEvent: ((TrainingEvent) throws -> TrainingControl)? = nil) throws {
        try DenormalFlushing.run { try run(data, epochs: Int.max, maxSteps: steps, onEvent: onEvent) }
    }

    private func run(_ data: Matrix, epochs: Int, maxSteps: Int?,
                     onEvent: ((TrainingEvent) throws -> TrainingControl)?) throws {
        try model.checkWidth(data, model.inputSize, "training data")
        guard data.rows > 0 else { throw TrainingError.emptyData(context: "training data") }
        guard data.isFinite else { throw TrainingError.nonFiniteData(context: "training data") }
        if state.sampleCount == 0 { state.sampleCount = data.rows }
        guard state.sampleCount == data.rows else {
            throw TrainingError.datasetChanged(expectedRows: state.sampleCount, foundRows: data.rows)
        }
        let n = data.rows
        var stepsLeft = maxSteps ?? Int.max
        let drawsProgress = showsProgress ?? ProgressLine.stderrIsTerminal
        var progress: ProgressLine?
        defer { progress?.finish() }  // a run stopped mid-epoch still ends its line

        while state.epoch < epochs && stepsLeft > 0 {
            // The epoch's order is a pure function of the state saved at its start, so a resumed
            // epoch sees the same order.
            var shuffler = RandomSource(state: state.shuffleState)!
            let order = shuffle ? shuffler.permutation(n) : Array(0..<n)
            progress = ProgressLine(label: epochs == Int.max ? "epoch \(state.epoch + 1)" : "epoch \(state.epoch + 1)/\(epochs)",
                                total: n, unit: "samples", alreadyDone: state.position, enabled: drawsProgress)
            while state.position < n && stepsLeft > 0 {
                let rows = min(batchSize, n - state.position), start = state.position
                let (terms, sse) = try step(batch(rows: rows)) { shard in
                    data.gather(rows: order[(start + shard.rows.lowerBound)..<(start + shard.rows.upperBound)], into: &shard.ws.input.m)
                }
                state.position += rows
                state.currentEpoch.steps += 1
                state.currentEpoch.samples += rows
                state.currentEpoch.weightedTerms.accumulate(terms, weight: Double(rows))
                state.currentEpoch.squaredError += sse
                stepsLeft -= 1
                progress?.advance(by: rows, detail: String(format: "loss %.6g", terms.total))
                if let onEvent, try onEvent(.step(terms: terms, batchRows: rows, state: state)) == .stop { return }
            }
            if state.position == n {
                let acc = state.currentEpoch
                var mean = LossTerms()
                mean.accumulate(acc.weightedTerms, weight: 1 / Double(acc.samples))
                let metrics = EpochMetrics(epoch: state.epoch + 1, steps: acc.steps, samples: acc.samples, terms: mean,
                                           meanSquaredError: acc.squaredError / (Double(acc.samples) * Double(model.inputSize)))
                state.history.append(metrics)
                state.epoch += 1
                state.position = 0
                state.currentEpoch = EpochAccumulator()
                state.shuffleState = shuffler.state
                progress?.finish(summary: String(format: "epoch %d  loss %.6g  (reconstruction %.6g, mse/pixel %.6g)",
                                                 metrics.epoch, metrics.total, metrics.terms.reconstruction, metrics.meanSquaredError))
                progress = nil
                if let onEvent, try onEvent(.epoch(metrics, state: state)) == .stop { return }
            }
        }
    }

    /// One update on `batch` (the seeds' `partial_fit`). Returns the batch's total cost before the update.
    @discardableResult
    public func partialFit(_ batch: Matrix) throws -> Double {
        try model.checkWidth(batch, model.inputSize, "partialFit")
        guard batch.rows > 0 else { throw TrainingError.emptyData(context: "partialFit") }
        guard batch.isFinite else { throw TrainingError.nonFiniteData(context: "partialFit") }
        return try DenormalFlushing.run {
            try step(self.batch(rows: batch.rows)) { shard in batch.gather(rows: shard.rows, into: &shard.ws.input.m) }.terms.total
        }
    }

    func batch(rows: Int) -> ShardedBatch {
        if let b = batches[rows] { return b }
        // Keep at most the full-batch and one short-batch shape alive.
        if batches.count >= 2, let evict = batches.keys.first(where: { $0 != batchSize }) { batches[evict] = nil }
        let b = ShardedBatch(model: model, rows: rows, shards: shards, corrupts: corruption != .none)
        batches[rows] = b
        return b
    }

    /// Corrupt, forward, backward, reduce, guard, update. `load` fills a shard's `ws.input` with its
    /// rows of the clean batch; it runs on the shard's thread.
    ///
    /// Regions on the pool, one task per shard: (1) load, corrupt, forward, output loss and the
    /// decoder's backward; without a sparsity penalty also the encoder's backward. With one, the
    /// batch-mean code activation needs every shard's column sums: they are added in shard order
    /// between the regions, and (2) runs the encoder's backward. Then the reduction (3) and, only if
    /// everything is finite, the update (4) run over parameter chunks.
    private func step(_ batch: ShardedBatch, load: (ShardedBatch.Shard) -> Void) throws -> (terms: LossTerms, squaredError: Double) {
        let (terms, sse, finite) = gradients(batch, load: load)
        guard terms.isFinite, finite else {
            reduction.clear(batch.shards)
            state.noiseState = noise.state
            throw TrainingError.nonFinite(epoch: state.epoch, step: state.step, terms: terms, gradientsFinite: finite)
        }
        if schedule != nil { optimizer.config.learningRate = currentLearningRate }
        if let chunked = optimizer as? any ChunkedOptimizer {
            reduction.update(chunked)
        } else {
            optimizer.apply(batch.shards[0].gradients, to: &model.parameters)
            reduction.clear(batch.shards)
        }
        state.step += 1
        state.noiseState = noise.state
        return (terms, sse)
    }

    /// Regions (1)-(3) of `step`: the batch's loss terms and, in `batch.shards[0].gradients`, the
    /// gradient of their sum (whether every element is finite says the flag). Changes no parameter.
    /// Every shard's gradients must be zero on entry; they are again after `reduction.update` or
    /// `reduction.clear`, which the caller runs next.
    func gradients(_ batch: ShardedBatch, load: (ShardedBatch.Shard) -> Void) -> (terms: LossTerms, squaredError: Double, finite: Bool) {
        let shards = batch.shards
        // Noise is drawn here, serially and in shard order, so the streams never depend on threads.
        for shard in shards {
            if let corrupted = shard.ws.corrupted { drawCorruption(into: &corrupted.m) }
            if let eps = shard.ws.eps { noise.fillNormal(&eps.m.data) }
        }
        let normalizer = model.lossNormalizer(rows: batch.rows)
        let sparsity = model.plan.meanHead == nil ? model.spec.regularization.sparsity : nil
        let model = self.model, corruption = self.corruption
        pool.run(tasks: shards.count) { s in
            let shard = shards[s], ws = shard.ws
            load(shard)
            if let corrupted = ws.corrupted { Self.applyCorruption(corruption, clean: ws.input.m, into: &corrupted.m) }
            model.forwardEncoder(ws, sampleCode: true)
            model.decoderProducts(ws)
            (shard.reconstruction, shard.squaredError) = model.backwardDecoder(ws, gradients: &shard.gradients, normalizer: normalizer,
                                                                                        kernelsStartAtZero: true)
            if sparsity != nil {
                Kernels.columnSums(ws.encoderOut[ws.encoderOut.count - 1].m, into: &ws.codeSums)
            } else {
                shard.kl = model.backwardEncoder(ws, gradients: &shard.gradients, sparsityGradient: nil, normalizer: normalizer,
                                                 kernelsStartAtZero: true)
            }
        }
        var terms = LossTerms()
        if let sparsity {
            // The batch mean over every shard, computed once into shard 0's buffers.
            let first = shards[0].ws
            for shard in shards.dropFirst() {
                for j in first.codeSums.indices { first.codeSums[j] += shard.ws.codeSums[j] }
            }
            terms.sparsity = Kernels.sparsity(columnSums: first.codeSums, rows: batch.rows, target: sparsity.target,
                                              weight: sparsity.weight, rhoHat: &first.rhoHat, columnGrad: &first.sparsityGrad)
            let columnGradient = first.sparsityGrad
            pool.run(tasks: shards.count) { s in
                let shard = shards[s]
                shard.kl = model.backwardEncoder(shard.ws, gradients: &shard.gradients, sparsityGradient: columnGradient,
                                                 normalizer: normalizer, kernelsStartAtZero: true)
            }
        }
        var sse = 0.0
        for shard in shards {
            terms.reconstruction += shard.reconstruction
            terms.kl += shard.kl
            sse += shard.squaredError
        }
        let (l2, l1) = (model.spec.regularization.l2, model.spec.regularization.l1)
        let reduced = reduction.reduce(model, shards, l2: l2, l1: l1)
        terms.l2 = Double(l2) * reduced.sumSquares / 2
        terms.l1 = Double(l1) * reduced.sumAbs
        return (terms, sse, reduced.finite)
    }

    /// The loss terms of `x` as one batch and the gradient of their sum, computed the way a step
    /// computes them (shards, noise) but without updating anything but the noise stream. For tests.
    func batchGradients(_ x: Matrix) -> (terms: LossTerms, gradients: [Matrix]) {
        let b = batch(rows: x.rows)
        let (terms, _, _) = DenormalFlushing.run { gradients(b) { shard in x.gather(rows: shard.rows, into: &shard.ws.input.m) } }
        let result = b.shards[0].gradients.map { Matrix(rows: $0.rows, cols: $0.cols, data: Array($0.data)) }
        reduction.clear(b.shards)
        return (terms, result)
    }

    /// Draws this step's corruption noise for one shard, in stream order: Gaussian noise scaled by
    /// sigma, or the masking noise's keep (1) / drop (0) decisions.
    private func drawCorruption(into out: inout Matrix) {
        switch corruption {
        case .none: break
        case .gaussian(let sigma): noise.fillNormal(&out.data, mean: 0, std: sigma)
        case .masking(let p):
            let threshold = Double(p)
            out.data.withUnsafeMutableBufferPointer { o in
                for i in o.indices { o[i] = noise.nextUniform() < threshold ? 0 : 1 }
            }
        }
    }

    /// Combines the noise `drawCorruption` left in `out` with the clean rows (on the shard's thread).
    private static func applyCorruption(_ corruption: ModelSpec.Corruption, clean: Matrix, into out: inout Matrix) {
        switch corruption {
        case .none:
            out.data.withUnsafeMutableBufferPointer { o in clean.data.withUnsafeBufferPointer { c in o.baseAddress!.update(from: c.baseAddress!, count: c.count) } }
        case .gaussian:
            out.add(clean)
        case .masking:
            out.data.withUnsafeMutableBufferPointer { o in
                clean.data.withUnsafeBufferPointer { c in
                    for i in o.indices { o[i] = o[i] == 0 ? 0 : c[i] }
                }
            }
        }
    }

    // MARK: Evaluation

    /// Every loss term over all of `x`, deterministically (no corruption; a VAE uses its mean code).
    /// Reconstruction and KL are reduced over all rows as the loss defines (sum for
    /// `halfSumSquares`, mean otherwise); sparsity uses the mean code activation over all rows.
    public func evaluate(_ x: Matrix) throws -> (terms: LossTerms, meanSquaredError: Double) {
        try model.checkWidth(x, model.inputSize, "evaluate")
        guard x.rows > 0 else { throw TrainingError.emptyData(context: "evaluate") }
        let sumReduction = model.spec.loss == .halfSumSquares
        var terms = LossTerms()
        var sse = 0.0
        var codeSums = [Double](repeating: 0, count: model.codeSize)
        let sparsity = model.spec.regularization.sparsity
        _ = model.chunked(x, outputWidth: 0) { ws in
            model.forwardEncoder(ws, sampleCode: false)
            model.decoderProducts(ws)
            let (chunk, chunkSSE) = model.evaluate(ws)
            let w = sumReduction ? 1 : Double(ws.rows) / Double(x.rows)
            terms.reconstruction += chunk.reconstruction * w
            terms.kl += chunk.kl * w
            sse += chunkSSE
            if sparsity != nil {
                let code = ws.codeBuffer.m
                for r in 0..<code.rows { for j in 0..<code.cols { codeSums[j] += Double(code[r, j]) } }
            }
            return Matrix(rows: ws.rows, cols: 0)
        }
        if let s = sparsity {
            let rho = Double(s.target), eps = Double(SparsityClamp.epsilon)
            var penalty = 0.0
            for sum in codeSums {
                let q = Swift.min(Swift.max(sum / Double(x.rows), eps), 1 - eps)
                penalty += rho * (Foundation.log(rho) - Foundation.log(q)) + (1 - rho) * (Foundation.log(1 - rho) - Foundation.log(1 - q))
            }
            terms.sparsity = Double(s.weight) * penalty
        }
        (terms.l2, terms.l1) = model.weightPenalties()
        return (terms, sse / (Double(x.rows) * Double(model.inputSize)))
    }

    /// The total cost over `x` (the seeds' `calc_total_cost`), deterministic.
    public func totalCost(_ x: Matrix) throws -> Double { try evaluate(x).terms.total }
}
