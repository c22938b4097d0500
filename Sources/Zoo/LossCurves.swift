import Autoencoders
import Render

/// The training-curves picture: one series per loss term that is ever non-zero, plus training MSE.
public enum LossCurves {
    public static func plot(_ history: [EpochMetrics], title: String, log: Bool) -> LinePlot {
        let terms: [(String, (LossTerms) -> Double)] = [
            ("reconstruction", { $0.reconstruction }), ("sparsity", { $0.sparsity }),
            ("l2", { $0.l2 }), ("l1", { $0.l1 }), ("kl", { $0.kl }),
        ]
        let epochs = history.map { Double($0.epoch) }
        var series = terms.compactMap { name, value -> LinePlot.Series? in
            let y = history.map { value($0.terms) }
            return y.contains { $0 != 0 } ? LinePlot.Series(name: name, x: epochs, y: y) : nil
        }
        series.append(.init(name: "train MSE", x: epochs, y: history.map(\.meanSquaredError)))
        return LinePlot(title: "\(title): training", xLabel: "epoch", yLabel: "loss", series: series, logScale: log)
    }
}
