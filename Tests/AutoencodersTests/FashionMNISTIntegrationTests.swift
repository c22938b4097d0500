import Foundation
import XCTest
import Datasets
import Linalg
@testable import Autoencoders

/// Real data: Fashion-MNIST (60,000 train / 10,000 test, pixels in [0, 1]), from the Debian package
/// `dataset-fashion-mnist`. MSE is the mean over pixels of the 10,000 test images. PCA is computed
/// here, in Swift, through LAPACK (reference values: PCA-32 0.01514, PCA-200 0.00408).
final class FashionMNISTIntegrationTests: XCTestCase {
    static let directory = "/usr/share/datasets/fashion-mnist"

    func loadData() throws -> (train: Matrix, test: Matrix) {
        #if DEBUG
        throw XCTSkip("the Fashion-MNIST integration test runs in release builds (as CI does); debug is ~30x slower")
        #else
        let train = "\(Self.directory)/train-images-idx3-ubyte.gz", test = "\(Self.directory)/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: train), FileManager.default.fileExists(atPath: test) else {
            throw XCTSkip("Fashion-MNIST not found under \(Self.directory) (apt-get install dataset-fashion-mnist)")
        }
        return (try IDX.readImages(train), try IDX.readImages(test))
        #endif
    }

    func testAutoencodersAgainstPCA() throws {
        let (train, test) = try loadData()
        XCTAssertEqual(train.rows, 60000); XCTAssertEqual(test.rows, 10000)
        let pca = try PCA.fit(train, components: 200)
        let pca32 = pca.keeping(32).reconstruct(test).meanSquaredError(to: test)
        let pca200 = pca.reconstruct(test).meanSquaredError(to: test)
        XCTAssertEqual(pca32, 0.01514, accuracy: 0.00005, "PCA-32 must match the numpy reference")
        XCTAssertEqual(pca200, 0.00408, accuracy: 0.00005, "PCA-200 must match the numpy reference")

        // 784-32-784: linear code, sigmoid output, MSE, Adam. At most 20 epochs; stop once below PCA-32.
        let small = try Autoencoder(spec: ModelSpec(inputSize: 784, encoder: [.init(units: 32, activation: .identity)],
                                                    outputActivation: .sigmoid, loss: .mse), seed: 1)
        let trainer = try Trainer(model: small, optimizer: Adam(config: .adam(learningRate: 2e-3)), batchSize: 64, seed: 1)
        var mse32 = Double.infinity, epochs32 = 0
        try trainer.fit(train, epochs: 20) { event in
            guard case .epoch(let m, _) = event else { return .proceed }
            mse32 = try small.reconstruct(test).meanSquaredError(to: test)
            epochs32 = m.epoch
            return mse32 < pca32 ? .stop : .proceed
        }
        print(String(format: "Fashion-MNIST test MSE: 784-32-784 after %d epoch(s) %.5f vs PCA-32 %.5f", epochs32, mse32, pca32))
        XCTAssertLessThan(mse32, pca32, "784-32-784 must beat PCA-32 within 20 epochs")

        // The seeds' basic model: 784-200-784 softplus everywhere, 0.5 * sum of squares, Adam 1e-3, batch 128, 5 epochs.
        let seedSpec = ModelSpec(inputSize: 784, encoder: [.init(units: 200, activation: .softplus)],
                                 outputActivation: .softplus, loss: .halfSumSquares)
        let big = try Autoencoder(spec: seedSpec, seed: 1)
        let seedTrainer = try Trainer(model: big, optimizer: Adam(config: .adam(learningRate: 1e-3)), batchSize: 128, seed: 1)
        let history = try seedTrainer.fit(train, epochs: 5)
        let mse200 = try big.reconstruct(test).meanSquaredError(to: test)
        print(String(format: "Fashion-MNIST test MSE: 784-200-784 softplus after 5 epochs %.5f vs PCA-200 %.5f", mse200, pca200))
        XCTAssertLessThan(history[4].terms.reconstruction, history[0].terms.reconstruction)
        XCTAssertLessThan(mse200, 0.08664 / 4, "far better than predicting the mean image (0.08664)")
    }
}
