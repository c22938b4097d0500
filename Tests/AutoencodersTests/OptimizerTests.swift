import Foundation
import XCTest
import Linalg
@testable import Autoencoders

/// Optimizers against TensorFlow's own update kernels (fixture written by
/// tools/fixtures_autoencoders/make_optimizer_fixtures.py) and against a step computed by hand.
final class OptimizerTests: XCTestCase {
    struct Fixture: Decodable {
        struct Step: Decodable { var `var`: [Float]; var slots: [[Float]] }
        struct Case: Decodable {
            var name: String; var history: [Step]
            var learningRate: Float; var beta1: Float?; var beta2: Float?; var epsilon: Float?
            var momentum: Float?; var decay: Float?; var initialAccumulator: Float?
        }
        var tensorflow: String; var shape: [Int]; var initial: [Float]; var gradients: [[Float]]; var cases: [Case]
    }

    static func loadFixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tf1_optimizers.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// Floats within `ulps` units in the last place (TF's Eigen may fuse or reorder a multiply).
    func assertClose(_ a: [Float], _ b: [Float], ulps: Float = 4, _ message: String) {
        XCTAssertEqual(a.count, b.count, message)
        for (x, y) in zip(a, b) {
            let tol = ulps * Swift.max(x.magnitude, y.magnitude).ulp
            XCTAssertLessThanOrEqual(Swift.abs(x - y), Swift.max(tol, 1e-30), "\(message): \(x) vs TensorFlow \(y)")
        }
    }

    func testEveryOptimizerMatchesTensorFlowKernels() throws {
        let f = try Self.loadFixture()
        XCTAssertEqual(Set(f.cases.map(\.name)), ["adam", "momentum", "rmsprop", "adagrad", "sgd"])
        for c in f.cases {
            let config: OptimizerConfig
            switch c.name {
            case "adam": config = .adam(learningRate: c.learningRate, beta1: c.beta1!, beta2: c.beta2!, epsilon: c.epsilon!)
            case "momentum": config = .momentum(learningRate: c.learningRate, momentum: c.momentum!)
            case "rmsprop": config = .rmsprop(learningRate: c.learningRate, decay: c.decay!, momentum: c.momentum!, epsilon: c.epsilon!)
            case "adagrad": config = .adagrad(learningRate: c.learningRate, initialAccumulator: c.initialAccumulator!)
            default: config = .sgd(learningRate: c.learningRate)
            }
            let opt = config.makeOptimizer()
            opt.prepare(names: ["v"], shapes: [f.shape])
            var params = [Matrix(rows: f.shape[0], cols: f.shape[1], data: f.initial)]
            let suffixes = ["adam": ["Adam", "Adam_1"], "momentum": ["Momentum"], "rmsprop": ["RMSProp", "RMSProp_1"],
                            "adagrad": ["Adagrad"], "sgd": []][c.name]!
            for (t, expected) in c.history.enumerated() {
                opt.apply([Matrix(rows: f.shape[0], cols: f.shape[1], data: f.gradients[t])], to: &params)
                assertClose(params[0].data, expected.var, "\(c.name) step \(t + 1) variable")
                let state = opt.exportState()
                for (s, suffix) in suffixes.enumerated() {
                    assertClose(state["v/\(suffix)"]!.floats, expected.slots[s], "\(c.name) step \(t + 1) slot \(suffix)")
                }
            }
        }
    }

    /// One TF1 Adam step on a scalar, by hand: m = 0.05, v = 0.00025,
    /// lr_t = 0.1 * sqrt(1 - 0.999) / (1 - 0.9) = 0.0316227766, update = lr_t * m / (sqrt(v) + 1e-8).
    func testAdamFirstStepByHand() {
        let adam = Adam(config: .adam(learningRate: 0.1))
        adam.prepare(names: ["w"], shapes: [[1]])
        var params = [Matrix(rows: 1, cols: 1, data: [1])]
        adam.apply([Matrix(rows: 1, cols: 1, data: [0.5])], to: &params)
        let lrT = 0.1 * (1 - 0.999).squareRoot() / (1 - 0.9)
        let expected = 1 - lrT * 0.05 / ((0.00025).squareRoot() + 1e-8)
        XCTAssertEqual(Double(params[0].data[0]), expected, accuracy: 1e-6)
        let state = adam.exportState()
        XCTAssertEqual(state.names, ["w/Adam", "w/Adam_1", "beta1_power", "beta2_power"])
        XCTAssertEqual(state["w/Adam"]!.floats[0], 0.05, accuracy: 3e-8)   // float32 (1 - 0.9)
        XCTAssertEqual(state["w/Adam_1"]!.floats[0], 0.00025, accuracy: 5e-9)   // float32 (1 - 0.999)
        XCTAssertEqual(state["beta1_power"]!.floats[0], 0.81, accuracy: 1e-7)   // updated after the step
        XCTAssertEqual(state["beta2_power"]!.floats[0], 0.998001, accuracy: 1e-7)
    }

    func testStateRoundTripContinuesIdentically() throws {
        for config in [OptimizerConfig.adam(learningRate: 0.01), .momentum(learningRate: 0.1, nesterov: true),
                       .rmsprop(learningRate: 0.01, momentum: 0.3), .adagrad(learningRate: 0.1), .sgd(learningRate: 0.1)] {
            let g = TestSupport.randomMatrix(3, 4, seed: 1, low: -1, high: 1)
            let a = config.makeOptimizer(), b = config.makeOptimizer()
            a.prepare(names: ["k"], shapes: [[3, 4]])
            var pa = [TestSupport.randomMatrix(3, 4, seed: 2)]
            a.apply([g], to: &pa); a.apply([g], to: &pa)
            b.prepare(names: ["k"], shapes: [[3, 4]])
            try b.importState(a.exportState())
            var pb = pa
            a.apply([g], to: &pa); b.apply([g], to: &pb)
            XCTAssertEqual(pa, pb, "\(config.kind)")
            XCTAssertEqual(a.exportState(), b.exportState(), "\(config.kind)")
        }
    }

    func testImportRejectsMissingAndMisshapedSlots() throws {
        let adam = Adam(config: .adam())
        adam.prepare(names: ["dense/kernel"], shapes: [[2, 2]])
        var state = adam.exportState()
        state["dense/kernel/Adam_1"] = Tensor(shape: [3], floats: [0, 0, 0])
        XCTAssertThrowsError(try adam.importState(state)) { error in
            XCTAssertEqual(error as? AutoencoderError, .shapeMismatch(name: "dense/kernel/Adam_1", expected: [2, 2], found: [3]))
        }
        state["dense/kernel/Adam_1"] = nil
        XCTAssertThrowsError(try adam.importState(state)) { error in
            XCTAssertEqual(error as? AutoencoderError, .missingVariable(name: "dense/kernel/Adam_1", expectedShape: [2, 2]))
        }
    }
}
