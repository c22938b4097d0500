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
    /// Draw a progress line on stderr: `nil` (default) means only when stderr is a terminal.
    public var showsProgress: Bool?
    /// Scales the optimizer's learning rate before every update (from the recipe; `nil`: constant).
    public var schedule: LearningRateSchedule?
    /// The schedule's horizon in epochs (the recipe's `epochs`).
    public var scheduleEpochs: Int = 0
    /// The optimizer's learning rate before any schedule.
    public let baseLearningRate: Float

    private var gradients: [Matrix]
    private var workspaces: [Int: Workspace] = [:]
    private var noise: RandomSource

    /// A trainer starting from scratch. `seed` drives the shuffle and the noise streams.
    public init(model: Autoencoder, optimizer: any Optimizer, batchSize: Int, seed: UInt64,
                shuffle: Bool = true, corruption: ModelSpec.Corruption? = nil) throws {
        guard batchSize > 0, batchSize <= TrainingRecipe.maximumBatchSize else {
            throw AutoencoderError.invalidSpec("batch size must be in 1...\(TrainingRecipe.maximumBatchSize), got \(batchSize)")
        }
        try optimizer.config.validate()
        self.model = model; self.optimizer = optimizer; self.batchSize = batchSize; self.shuffle = shuffle
        self.corruption = corruption ?? model.spec.corruption
        baseLearningRate = optimizer.config.learningRate
        state = TrainingState(seed: seed)
        noise = RandomSource(state: state.noiseState)!
        gradients = model.makeGradients()
        optimizer.prepare(names: model.plan.names, shapes: model.plan.shapes)
    }

    /// A trainer configured by `recipe` (batch size, optimizer, seed, shuffle, noise).
    public convenience init(model: Autoencoder, recipe: TrainingRecipe) throws {
        try recipe.validate()
        try self.init(model: model, optimizer: recipe.optimizer.makeOptimizer(), batchSize: recipe.batchSize,
                      seed: recipe.seed, shuffle: recipe.shuffle, corruption: recipe.noise)
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
                let rows = min(batchSize, n - state.position)
                let ws = workspace(rows: rows)
                data.gather(rows: order[state.position..<(state.position + rows)], into: &ws.input.m)
                let (terms, sse) = try step(ws)
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
        let ws = workspace(rows: batch.rows)
        ws.input.m.data.withUnsafeMutableBufferPointer { dst in
            batch.data.withUnsafeBufferPointer { src in dst.baseAddress!.update(from: src.baseAddress!, count: src.count) }
        }
        return try DenormalFlushing.run { try step(ws).terms.total }
    }

    private func workspace(rows: Int) -> Workspace {
        if let ws = workspaces[rows] { return ws }
        // Keep at most the full-batch and one short-batch shape alive.
        if workspaces.count >= 2, let evict = workspaces.keys.first(where: { $0 != batchSize }) { workspaces[evict] = nil }
        let ws = model.makeWorkspace(rows: rows, corrupts: corruption != .none)
        workspaces[rows] = ws
        return ws
    }

    /// Corrupt, forward, backward, guard, update. `ws.input` holds the clean batch.
    private func step(_ ws: Workspace) throws -> (terms: LossTerms, squaredError: Double) {
        if let corrupted = ws.corrupted { corrupt(ws.input.m, into: &corrupted.m) }
        if let eps = ws.eps { noise.fillNormal(&eps.m.data) }
        model.forwardEncoder(ws, sampleCode: true)
        model.forwardDecoder(ws)
        let (terms, sse) = model.backward(ws, gradients: &gradients)
        // v * 0 is 0 for finite v and NaN for NaN or infinity: one cheap pass per gradient.
        let gradientsFinite = gradients.allSatisfy { g in g.data.withUnsafeBufferPointer { p in
            var s: Float = 0; for v in p { s += v * 0 }; return s == 0 } }
        guard terms.isFinite, gradientsFinite else {
            state.noiseState = noise.state
            throw TrainingError.nonFinite(epoch: state.epoch, step: state.step, terms: terms, gradientsFinite: gradientsFinite)
        }
        if schedule != nil { optimizer.config.learningRate = currentLearningRate }
        optimizer.apply(gradients, to: &model.parameters)
        state.step += 1
        state.noiseState = noise.state
        return (terms, sse)
    }

    /// Per-element, per-step corruption drawn from the noise stream.
    private func corrupt(_ clean: Matrix, into out: inout Matrix) {
        switch corruption {
        case .none:
            out.data.withUnsafeMutableBufferPointer { o in clean.data.withUnsafeBufferPointer { c in o.baseAddress!.update(from: c.baseAddress!, count: c.count) } }
        case .gaussian(let sigma):
            noise.fillNormal(&out.data, mean: 0, std: sigma)
            out.add(clean)
        case .masking(let p):
            let threshold = Double(p)
            out.data.withUnsafeMutableBufferPointer { o in
                clean.data.withUnsafeBufferPointer { c in
                    for i in o.indices { o[i] = noise.nextUniform() < threshold ? 0 : c[i] }
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
            model.forwardDecoder(ws)
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
