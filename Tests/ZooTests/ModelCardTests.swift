import Autoencoders
import Evaluation
import XCTest
@testable import Zoo

final class ModelCardTests: XCTestCase {
    func testTheCardShowsTheRecipeMetricsAndCommands() {
        let spec = ModelSpec(inputSize: 784, encoder: [.init(units: 200, activation: .sigmoid)],
                             regularization: .init(l2: 1e-5, sparsity: .init(target: 0.1, weight: 0.01)))
        var entry = ZooEntry(id: "fashion/sparse-kl-200", title: "Sparse", family: "sparse", summary: "KL done right.", spec: spec,
                             recipe: TrainingRecipe(epochs: 25, batchSize: 128, optimizer: .adam(learningRate: 1e-3), seed: 3),
                             data: DataSource(dataset: "fashion-mnist", split: "60k/10k", provenance: "Zalando.", license: "MIT"),
                             checkpoint: .init(path: "fashion/sparse-kl-200/model.h5", sha256: String(repeating: "a", count: 64), bytes: 1234),
                             pictures: ["fashion/sparse-kl-200/weights.png"], aezooVersion: "0.1.0")
        entry.recipe.schedule = .cosine(final: 0.01)
        entry.recipe.normalization = .standard
        entry.metrics = ZooMetrics(testMSE: 0.0243, pcaMSE: 0.0041, pcaModelSpaceMSE: 0.0081,
                                   locality: LocalitySummary(window: 7, windowEnergy: 0.412, effectivePixels: 118, pcaComponents: 200,
                                                             pcaWindowEnergy: 0.221, pcaEffectivePixels: 310),
                                   meanCodeActivation: 0.1048, sparsityTarget: 0.1, deadUnits: 2,
                                   codeUnits: 200, probeAccuracy: 0.826, rawProbeAccuracy: 0.798, finalLoss: [:], trainSeconds: 203)
        let card = ModelCard.markdown(for: entry)
        for needle in ["# fashion/sparse-kl-200", "784-200-784", "rho = 0.1, weight = 0.01", "| epochs | 25 |",
                       "0.02430", "0.00410", "2 of 200", "82.60 %", "79.80 %", "![weights.png](weights.png)",
                       "aezoo encode fashion/sparse-kl-200", "MIT", "cosine decay to 0.01", "0.00810", "standard-scaled",
                       "| test MSE / PCA in the model's space | 3.000 |", "off by 4.8%", "best 7x7 window | 0.412 (PCA's 200 components: 0.221)",
                       "| 118 (PCA: 310)"] {
            XCTAssertTrue(card.contains(needle), "card lacks '\(needle)'")
        }
    }
}
