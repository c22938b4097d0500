import Linalg

/// Updates a model's parameters from their gradients, keeping its state in TensorFlow-named slots.
///
/// An optimizer is bound to one model's variables (`prepare`), then `apply` performs one update
/// in place. Its state is a `VariableStore` with TF1's names: slots `<var>/Adam`, `<var>/Adam_1`,
/// `<var>/Momentum`, `<var>/RMSProp`, `<var>/RMSProp_1`, `<var>/Adagrad`, and non-slot scalars
/// `beta1_power` / `beta2_power` (Adam). `exportState()` then `importState(_:)` on a fresh
/// optimizer of the same config continues bit-identically.
///
/// ```swift
/// let adam = Adam(config: .adam(learningRate: 1e-3))
/// adam.prepare(names: model.variableNames, shapes: shapes)
/// adam.apply(gradients, to: &parameters)
/// let slots = adam.exportState()   // "dense/kernel/Adam", ..., "beta1_power", "beta2_power"
/// ```
public protocol Optimizer: AnyObject {
    /// The hyperparameters `apply` reads on every update. `Trainer` sets `config.learningRate`
    /// before each update when its recipe has a learning-rate schedule.
    var config: OptimizerConfig { get set }
    /// Allocates zeroed (or TF-initialised) slots for these variables. Calling it again with the
    /// same names and shapes keeps the state.
    func prepare(names: [String], shapes: [[Int]])
    /// One update: `parameters[i]` moves along `gradients[i]`. Allocates nothing.
    func apply(_ gradients: [Matrix], to parameters: inout [Matrix])
    /// Every slot and non-slot variable under its TensorFlow name.
    func exportState() -> VariableStore
    /// Restores state exported by an optimizer of the same kind for the same variables.
    /// Throws `AutoencoderError` naming a missing, extra or mis-shaped slot.
    func importState(_ store: VariableStore) throws
}

/// Named per-variable slots plus scalar non-slot state: the bookkeeping every optimizer shares.
final class SlotTable {
    /// Slot suffixes, e.g. `["Adam", "Adam_1"]`.
    let suffixes: [String]
    let initialValue: [Float]
    var names: [String] = []
    var shapes: [[Int]] = []
    /// The first and second slot of every variable, shaped like the variable's matrix. Two
    /// separate arrays so one update can write both (every TF1 optimizer has at most two slots).
    var first: [Matrix] = []
    var second: [Matrix] = []
    /// Base addresses of `first` and `second`, taken by `pin()` once per step (serially) so that
    /// chunks of one variable can be updated from several threads without touching the arrays.
    private(set) var firstPointers: [UnsafeMutablePointer<Float>] = []
    private(set) var secondPointers: [UnsafeMutablePointer<Float>] = []

    init(suffixes: [String], initialValue: [Float]) {
        precondition(suffixes.count <= 2 && initialValue.count == suffixes.count)
        self.suffixes = suffixes; self.initialValue = initialValue
    }

    func slot(_ s: Int) -> [Matrix] { s == 0 ? first : second }

    var isPrepared: Bool { !names.isEmpty }

    func prepare(names: [String], shapes: [[Int]]) {
        if names == self.names && shapes == self.shapes { return }
        self.names = names; self.shapes = shapes
        func filled(_ value: Float) -> [Matrix] {
            shapes.map { shape in
                let rows = shape.count == 2 ? shape[0] : 1, cols = shape.count == 2 ? shape[1] : (shape.first ?? 1)
                return Matrix(rows: rows, cols: cols, repeating: value)
            }
        }
        first = suffixes.count > 0 ? filled(initialValue[0]) : []
        second = suffixes.count > 1 ? filled(initialValue[1]) : []
        firstPointers.reserveCapacity(first.count)
        secondPointers.reserveCapacity(second.count)
    }

    /// Takes the slots' base addresses for this step's chunked updates. Each array is made unique
    /// here (a copy handed out by `export` would otherwise be written through) and is neither
    /// resized nor replaced until the step ends, so the addresses stay valid for the step.
    func pin() {
        firstPointers.removeAll(keepingCapacity: true)
        secondPointers.removeAll(keepingCapacity: true)
        for v in first.indices { first[v].data.withUnsafeMutableBufferPointer { firstPointers.append($0.baseAddress!) } }
        for v in second.indices { second[v].data.withUnsafeMutableBufferPointer { secondPointers.append($0.baseAddress!) } }
    }

    func export(into store: inout VariableStore) {
        for (v, name) in names.enumerated() {
            for (s, suffix) in suffixes.enumerated() {
                store["\(name)/\(suffix)"] = Tensor(shape: shapes[v], floats: slot(s)[v].data)
            }
        }
    }

    /// Reads every slot from `store`; `nonSlot` lists the extra names the caller consumes itself.
    func load(_ store: VariableStore, nonSlot: Set<String>) throws {
        guard isPrepared else { throw AutoencoderError.invalidSpec("optimizer state can only be imported after prepare(names:shapes:)") }
        var loaded = [first, second]
        var expected = nonSlot
        for (v, name) in names.enumerated() {
            for (s, suffix) in suffixes.enumerated() {
                let key = "\(name)/\(suffix)"
                expected.insert(key)
                guard let t = store[key] else { throw AutoencoderError.missingVariable(name: key, expectedShape: shapes[v]) }
                guard t.shape == shapes[v] else { throw AutoencoderError.shapeMismatch(name: key, expected: shapes[v], found: t.shape) }
                guard t.isFloating else { throw AutoencoderError.badVariable(name: key, reason: "dtype \(t.dtype.rawValue) is not floating point") }
                loaded[s][v].data = t.floats
            }
        }
        if let extra = store.names.first(where: { !expected.contains($0) }) {
            throw AutoencoderError.unexpectedVariable(name: extra, shape: store[extra]?.shape ?? [])
        }
        first = loaded[0]; second = loaded[1]
    }
}

/// Reads a float scalar such as `beta1_power` from an optimizer state store.
func scalar(_ name: String, in store: VariableStore) throws -> Float {
    guard let t = store[name] else { throw AutoencoderError.missingVariable(name: name, expectedShape: []) }
    guard t.elementCount == 1, t.isFloating else {
        throw AutoencoderError.shapeMismatch(name: name, expected: [], found: t.shape)
    }
    return t.floats[0]
}

/// An optimizer whose update runs over chunks of a variable, from several threads at once: the
/// trainer reduces the shards' gradients and updates the parameters in one parallel pass per step.
///
/// A step is `beginStep()` (serial: the step's scalars, slot addresses), then `update` once for
/// every chunk of every variable in any order and on any thread (chunks never overlap; each
/// element's arithmetic is the same whichever chunk holds it), then `endStep()` (serial).
/// `applyChunked(_:to:)`, every conformer's `apply(_:to:)`, is exactly that over whole variables.
protocol ChunkedOptimizer: Optimizer {
    func beginStep()
    /// Updates elements `range` of variable `v`, whose parameter and gradient storage start at
    /// `parameter` and `gradient`.
    func update(variable v: Int, range: Range<Int>, parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>)
    func endStep()
}

extension ChunkedOptimizer {
    func applyChunked(_ gradients: [Matrix], to parameters: inout [Matrix]) {
        beginStep()
        for v in parameters.indices {
            parameters[v].data.withUnsafeMutableBufferPointer { p in
                gradients[v].data.withUnsafeBufferPointer { g in
                    update(variable: v, range: 0..<p.count, parameter: p.baseAddress!, gradient: g.baseAddress!)
                }
            }
        }
        endStep()
    }
}
