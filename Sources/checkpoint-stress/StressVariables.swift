import Linalg

/// The variables saved at `step`: random values seeded by the step (incompressible, so writing
/// takes most of the loop's time and kills land mid-write). CrashSafetyTests regenerates them to
/// check that every surviving checkpoint holds its own step's values.
func variables(step: Int64) -> VariableStore {
    var rng = RandomSource(seed: UInt64(step))
    var store = VariableStore()
    func fill(_ n: Int) -> [Float] { var v = [Float](repeating: 0, count: n); rng.fillNormal(&v); return v }
    store["dense/kernel"] = Tensor(shape: [784, 256], floats: fill(784 * 256))
    store["dense/bias"] = Tensor(shape: [256], floats: fill(256))
    store["dense/kernel/Adam"] = Tensor(shape: [784, 256], floats: fill(784 * 256))
    store["global_step"] = Tensor(scalar: step)
    return store
}
