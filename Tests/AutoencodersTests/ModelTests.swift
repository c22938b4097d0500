import Foundation
import XCTest
import Linalg
@testable import Autoencoders

final class ModelTests: XCTestCase {
    func testDenseNamingAndTensorFlowShapes() throws {
        let spec = ModelSpec(inputSize: 784, encoder: [.init(units: 300, activation: .elu), .init(units: 150, activation: .elu)],
                             outputActivation: .identity)
        let layout = spec.variableLayout
        XCTAssertEqual(layout.map(\.name), ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
                                            "dense_2/kernel", "dense_2/bias", "dense_3/kernel", "dense_3/bias"])
        XCTAssertEqual(layout.map(\.shape), [[784, 300], [300], [300, 150], [150], [150, 300], [300], [300, 784], [784]])
        let model = try Autoencoder(spec: spec, seed: 1)
        XCTAssertEqual(try model.weights(layer: 3).shape, [300, 784])
        XCTAssertEqual(try model.biases(layer: 1).count, 150)
    }

    func testSeedNamingForTheTiedStack() throws {
        var spec = ModelSpec(inputSize: 784, encoder: [.init(units: 300, activation: .elu), .init(units: 150, activation: .elu)],
                             outputActivation: .identity, tiedWeights: true, initializer: .heNormal)
        spec.naming = .seed
        XCTAssertEqual(spec.variableLayout.map(\.name), ["weights1", "weights2", "biases1", "biases2", "biases3", "biases4"])
        let model = try Autoencoder(spec: spec, seed: 1)
        // weights3 = transpose(weights2), weights4 = transpose(weights1), as the seed builds them.
        XCTAssertEqual(try model.weights(layer: 2), try model.weights(layer: 1).transposed)
        XCTAssertEqual(try model.weights(layer: 3), try model.weights(layer: 0).transposed)
    }

    func testLoadRoundTripAndErrorsNameTheVariable() throws {
        let spec = TestSupport.spec([10, 4], .relu)
        let a = try Autoencoder(spec: spec, seed: 1), b = try Autoencoder(spec: spec, seed: 2)
        XCTAssertNotEqual(a.variables, b.variables)
        try b.load(a.variables)
        XCTAssertEqual(a.variables, b.variables)
        let x = TestSupport.randomMatrix(3, 10, seed: 3)
        XCTAssertEqual(try a.reconstruct(x), try b.reconstruct(x))

        var store = a.variables
        store["dense/kernel"] = Tensor(shape: [4, 10], floats: [Float](repeating: 0, count: 40))
        XCTAssertThrowsError(try b.load(store)) { e in
            XCTAssertEqual(e as? AutoencoderError, .shapeMismatch(name: "dense/kernel", expected: [10, 4], found: [4, 10]))
            XCTAssertTrue(String(describing: e).contains("dense/kernel"))
        }
        store = a.variables; store["dense_1/bias"] = nil
        XCTAssertThrowsError(try b.load(store)) { e in
            XCTAssertEqual(e as? AutoencoderError, .missingVariable(name: "dense_1/bias", expectedShape: [10]))
        }
        store = a.variables; store["extra"] = Tensor(scalar: Float(1))
        XCTAssertThrowsError(try b.load(store)) { e in XCTAssertEqual(e as? AutoencoderError, .unexpectedVariable(name: "extra", shape: [])) }
        store = a.variables; store["dense/bias"] = Tensor(shape: [4], floats: [0, .nan, 0, 0])
        XCTAssertThrowsError(try b.load(store))
    }

    func testSpecJSONRoundTripAndDefaults() throws {
        var spec = TestSupport.spec([784, 1000], .sigmoid, regularization: .init(sparsity: .init(target: 0.1, weight: 0.2)))
        spec.corruption = .masking(probability: 0.05)
        let back = try JSONDecoder().decode(ModelSpec.self, from: JSONEncoder().encode(spec))
        XCTAssertEqual(back, spec)
        let minimal = #"{"inputSize": 784, "encoder": [{"units": 32, "activation": "relu"}]}"#
        let decoded = try JSONDecoder().decode(ModelSpec.self, from: Data(minimal.utf8))
        XCTAssertEqual(decoded.loss, .mse); XCTAssertEqual(decoded.naming, .dense); XCTAssertEqual(decoded.corruption, .none)
        let recipe = TrainingRecipe(epochs: 5, batchSize: 128, optimizer: .adam(learningRate: 1e-3), seed: 7, noise: .gaussian(sigma: 0.1))
        XCTAssertEqual(try JSONDecoder().decode(TrainingRecipe.self, from: JSONEncoder().encode(recipe)), recipe)
    }

    func testValidationNamesTheProblem() {
        func message(_ spec: ModelSpec) -> String {
            do { try spec.validate(); return "" } catch { return String(describing: error) }
        }
        XCTAssertTrue(message(TestSupport.spec([784, 0], .relu)).contains("0 units"))
        XCTAssertTrue(message(TestSupport.spec([784, 32], .relu, output: .identity, loss: .sigmoidCrossEntropy)).contains("sigmoid"))
        XCTAssertTrue(message(TestSupport.spec([784, 32], .relu, regularization: .init(sparsity: .init(target: 1.5, weight: 1)))).contains("target"))
        XCTAssertTrue(message(TestSupport.spec([784, 1 << 20], .relu)).contains("units"))
        var tied = TestSupport.spec([784, 300, 150], .elu, tied: true)
        tied.decoder = [.init(units: 200, activation: .elu)]
        XCTAssertTrue(message(tied).contains("mirrored"))
    }

    func testCodePriorFitsTheCodeDistribution() throws {
        // Codes with a known covariance: z = A u, u ~ N(0, I).
        var rng = RandomSource(seed: 5)
        let a = Matrix(rows: 2, cols: 2, data: [2, 0, 1, 0.5])
        var u = Matrix(rows: 20000, cols: 2); rng.fillNormal(&u.data)
        var codes = u.matmul(a, .none, .transposed)
        codes.addRowVector([1, -3])
        let prior = try CodePrior.fit(codes: codes)
        let cov = prior.covariance   // A A^T = [[4, 2], [2, 1.25]]
        XCTAssertEqual(cov[0, 0], 4, accuracy: 0.15); XCTAssertEqual(cov[0, 1], 2, accuracy: 0.1); XCTAssertEqual(cov[1, 1], 1.25, accuracy: 0.05)
        XCTAssertEqual(prior.mean[0], 1, accuracy: 0.05); XCTAssertEqual(prior.mean[1], -3, accuracy: 0.05)
        let samples = prior.sample(count: 20000, rng: &rng)
        let refit = try CodePrior.fit(codes: samples)
        XCTAssertEqual(refit.covariance[0, 1], 2, accuracy: 0.12)
        XCTAssertEqual(try JSONDecoder().decode(CodePrior.self, from: JSONEncoder().encode(prior)), prior)
        let vae = try Autoencoder(spec: ModelSpec(inputSize: 4, encoder: [.init(units: 2, activation: .identity)], variational: true), seed: 1)
        XCTAssertEqual(try CodePrior.fit(model: vae, data: Matrix(rows: 3, cols: 4)).kind, .standardNormal)
    }
}
