import Foundation
import XCTest
import Linalg
@testable import Checkpoint

/// A small model-shaped store with optimizer state, names that are prefixes of one another,
/// a float64 and int tensors, and rank-0 scalars.
func sampleVariables(seed: UInt64 = 7, hidden: Int = 5) -> VariableStore {
    var rng = RandomSource(seed: seed)
    func values(_ n: Int) -> [Float] { var v = [Float](repeating: 0, count: n); rng.fillNormal(&v); return v }
    var store = VariableStore()
    store["dense/kernel"] = Tensor(shape: [8, hidden], floats: values(8 * hidden))
    store["dense/bias"] = Tensor(shape: [hidden], floats: values(hidden))
    store["dense/kernel/Adam"] = Tensor(shape: [8, hidden], floats: values(8 * hidden))
    store["dense/kernel/Adam_1"] = Tensor(shape: [8, hidden], floats: values(8 * hidden).map { $0 * $0 })
    store["dense_1/kernel"] = Tensor(shape: [hidden, 8], floats: values(8 * hidden))
    store["beta1_power"] = Tensor(scalar: Float(0.9 * 0.9))
    store["beta2_power"] = Tensor(scalar: Float(0.999 * 0.999))
    store["global_step"] = Tensor(scalar: Int64(1234))
    store["%odd/.name"] = Tensor(shape: [2], floats: [1, 2], dtype: .float64)
    store["counts"] = Tensor(shape: [3], ints: [1, -2, 3], dtype: .int32)
    return store
}

func sampleMetadata() -> CheckpointMetadata {
    var m = CheckpointMetadata()
    m.modelSpecJSON = #"{"inputSize":8}"#
    m.trainingRecipeJSON = #"{"epochs":3,"lr":0.001}"#
    m.metricsHistoryJSON = #"[{"epoch":1,"loss":0.5}]"#
    m.trainingStateJSON = #"{"rng":[1,2,3,4],"position":17}"#
    m.normalization = .standard(mean: [0.5, 0.25], std: [1, 2])
    m.codePrior = .init(mean: [0, 1], choleskyFactor: [1, 0, 0.5, 1.5])   // covariance [[1, 0.5], [0.5, 2.5]]
    m.notes = ["data": "fashion-mnist"]
    return m
}
