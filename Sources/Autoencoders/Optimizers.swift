import CKernels
import Foundation
import Linalg

// Each update below is the TensorFlow 1 C++ kernel's arithmetic, in float32, in the same order
// (tensorflow/core/kernels/training_ops.cc), so a step matches TF to the last bit where the
// platform's sqrt/division agree. Each runs over chunks of a variable (`ChunkedOptimizer`), so
// the trainer can update the parameters from every core; Adam's loop is a C kernel so it vectorises.

/// Adam (Kingma & Ba) exactly as `tf.train.AdamOptimizer`:
/// `lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power)`, `m += (g - m) * (1 - beta1)`,
/// `v += (g^2 - v) * (1 - beta2)`, `var -= m * lr_t / (sqrt(v) + epsilon)` (epsilon-hat), then
/// `beta1_power *= beta1`, `beta2_power *= beta2`. Slots `<var>/Adam` (m) and `<var>/Adam_1` (v).
public final class Adam: ChunkedOptimizer {
    public var config: OptimizerConfig
    let table = SlotTable(suffixes: ["Adam", "Adam_1"], initialValue: [0, 0])
    /// `beta1^t` and `beta2^t` for the next step t (start at beta1, beta2, as TF initialises them).
    public private(set) var beta1Power: Float
    public private(set) var beta2Power: Float

    public init(config: OptimizerConfig) {
        self.config = config
        beta1Power = config.beta1; beta2Power = config.beta2
    }

    public func prepare(names: [String], shapes: [[Int]]) { table.prepare(names: names, shapes: shapes) }

    /// This step's `lr_t`, fixed by `beginStep`.
    private var stepSize: Float = 0

    public func apply(_ gradients: [Matrix], to parameters: inout [Matrix]) { applyChunked(gradients, to: &parameters) }

    func beginStep() {
        stepSize = config.learningRate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        table.pin()
    }

    func update(variable v: Int, range: Range<Int>, parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>) {
        let i = range.lowerBound
        aez_adam_update(parameter + i, gradient + i, table.firstPointers[v] + i, table.secondPointers[v] + i, range.count,
                        stepSize, 1 - config.beta1, 1 - config.beta2, config.epsilon)
    }

    func endStep() {
        beta1Power *= config.beta1
        beta2Power *= config.beta2
    }

    public func exportState() -> VariableStore {
        var store = VariableStore()
        table.export(into: &store)
        store["beta1_power"] = Tensor(scalar: beta1Power)
        store["beta2_power"] = Tensor(scalar: beta2Power)
        return store
    }

    public func importState(_ store: VariableStore) throws {
        let p1 = try scalar("beta1_power", in: store), p2 = try scalar("beta2_power", in: store)
        try table.load(store, nonSlot: ["beta1_power", "beta2_power"])
        beta1Power = p1; beta2Power = p2
    }
}

/// Plain gradient descent, `var -= lr * g` (`tf.train.GradientDescentOptimizer`). No slots.
public final class SGD: ChunkedOptimizer {
    public var config: OptimizerConfig
    let table = SlotTable(suffixes: [], initialValue: [])
    public init(config: OptimizerConfig) { self.config = config }
    public func prepare(names: [String], shapes: [[Int]]) { table.prepare(names: names, shapes: shapes) }
    public func apply(_ gradients: [Matrix], to parameters: inout [Matrix]) { applyChunked(gradients, to: &parameters) }
    func beginStep() {}
    func update(variable v: Int, range: Range<Int>, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>) {
        let lr = config.learningRate
        for i in range { p[i] -= g[i] * lr }
    }
    func endStep() {}
    public func exportState() -> VariableStore { VariableStore() }
    public func importState(_ store: VariableStore) throws { try table.load(store, nonSlot: []) }
}

/// `tf.train.MomentumOptimizer`: `accum = accum * momentum + g`, `var -= lr * accum`
/// (Nesterov: `var -= lr * g + lr * momentum * accum`). Slot `<var>/Momentum`.
public final class Momentum: ChunkedOptimizer {
    public var config: OptimizerConfig
    let table = SlotTable(suffixes: ["Momentum"], initialValue: [0])
    public init(config: OptimizerConfig) { self.config = config }
    public func prepare(names: [String], shapes: [[Int]]) { table.prepare(names: names, shapes: shapes) }
    public func apply(_ gradients: [Matrix], to parameters: inout [Matrix]) { applyChunked(gradients, to: &parameters) }
    func beginStep() { table.pin() }
    func update(variable v: Int, range: Range<Int>, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>) {
        let lr = config.learningRate, mu = config.momentum, nesterov = config.nesterov
        let a = table.firstPointers[v]
        for i in range {
            a[i] = a[i] * mu + g[i]
            if nesterov { p[i] -= g[i] * lr + a[i] * mu * lr } else { p[i] -= a[i] * lr }
        }
    }
    func endStep() {}
    public func exportState() -> VariableStore { var s = VariableStore(); table.export(into: &s); return s }
    public func importState(_ store: VariableStore) throws { try table.load(store, nonSlot: []) }
}

/// `tf.train.RMSPropOptimizer` (not centered): `ms += (g^2 - ms) * (1 - decay)`,
/// `mom = mom * momentum + lr * g / sqrt(ms + epsilon)`, `var -= mom`.
/// Slots `<var>/RMSProp` (ms, initialised to 1 as TF1 does) and `<var>/RMSProp_1` (mom, 0).
public final class RMSProp: ChunkedOptimizer {
    public var config: OptimizerConfig
    let table = SlotTable(suffixes: ["RMSProp", "RMSProp_1"], initialValue: [1, 0])
    public init(config: OptimizerConfig) { self.config = config }
    public func prepare(names: [String], shapes: [[Int]]) { table.prepare(names: names, shapes: shapes) }
    public func apply(_ gradients: [Matrix], to parameters: inout [Matrix]) { applyChunked(gradients, to: &parameters) }
    func beginStep() { table.pin() }
    func update(variable v: Int, range: Range<Int>, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>) {
        let lr = config.learningRate, rho = config.decay, mu = config.momentum, eps = config.epsilon
        let ms = table.firstPointers[v], mom = table.secondPointers[v]
        for i in range {
            let gi = g[i]
            ms[i] += (gi * gi - ms[i]) * (1 - rho)
            mom[i] = mom[i] * mu + lr * gi / (ms[i] + eps).squareRoot()
            p[i] -= mom[i]
        }
    }
    func endStep() {}
    public func exportState() -> VariableStore { var s = VariableStore(); table.export(into: &s); return s }
    public func importState(_ store: VariableStore) throws { try table.load(store, nonSlot: []) }
}

/// `tf.train.AdagradOptimizer`: `accum += g^2`, `var -= lr * g / sqrt(accum)`.
/// Slot `<var>/Adagrad`, initialised to `initialAccumulator` (TF default 0.1).
public final class Adagrad: ChunkedOptimizer {
    public var config: OptimizerConfig
    let table: SlotTable
    public init(config: OptimizerConfig) {
        self.config = config
        table = SlotTable(suffixes: ["Adagrad"], initialValue: [config.initialAccumulator])
    }
    public func prepare(names: [String], shapes: [[Int]]) { table.prepare(names: names, shapes: shapes) }
    public func apply(_ gradients: [Matrix], to parameters: inout [Matrix]) { applyChunked(gradients, to: &parameters) }
    func beginStep() { table.pin() }
    func update(variable v: Int, range: Range<Int>, parameter p: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>) {
        let lr = config.learningRate
        let a = table.firstPointers[v]
        for i in range {
            a[i] += g[i] * g[i]
            p[i] -= g[i] * lr / a[i].squareRoot()
        }
    }
    func endStep() {}
    public func exportState() -> VariableStore { var s = VariableStore(); table.export(into: &s); return s }
    public func importState(_ store: VariableStore) throws { try table.load(store, nonSlot: []) }
}
