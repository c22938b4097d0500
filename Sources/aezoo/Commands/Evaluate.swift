import ArgumentParser
import Datasets
import Evaluation
import Foundation
import Linalg

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model on a test set: MSE, each loss term, code activity, PCA baseline, linear probe.",
        discussion: """
        Test MSE is the mean over pixels of (reconstruction - input)^2 in input units. With --train, \
        PCA with as many components as the code is fitted on the training images and scored on the same \
        test set, and a logistic-regression probe is trained on the codes of the training split and \
        scored on the test split, next to the same probe on raw pixels (needs labels on both sides).

        Examples:
          aezoo evaluate fashion/sparse-kl-200 -i t10k-images-idx3-ubyte.gz
          aezoo evaluate runs/mine -i t10k-images-idx3-ubyte.gz --train train-images-idx3-ubyte.gz --json
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("Training images (labels found beside IDX files) for the PCA baseline and the probe.", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Use at most n training rows for PCA and the probe.", valueName: "n"))
    var trainRows = 60_000

    @Option(help: ArgumentHelp("A unit is dead if its activation never exceeds this on the test set.", valueName: "x"))
    var deadThreshold = 0.01

    @Flag(help: "Skip the linear probe.")
    var noProbe = false

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    struct Report: Encodable {
        var model: String
        var input: String
        var report: EvaluationReport
    }

    func validate() throws {
        guard trainRows >= 1 else { throw CLIError("--train-rows", "must be at least 1, got \(trainRows)") }
        guard deadThreshold.isFinite else { throw CLIError("--dead-threshold", "must be a finite number") }
    }

    func run() throws {
        let loaded = try model.load()
        let test = try input.load()
        guard test.images.cols == loaded.spec.inputSize else {
            throw CLIError(input.input, "rows have \(test.images.cols) values, \(loaded.id) expects \(loaded.spec.inputSize)")
        }
        var trainSplit: LabeledSplit?
        if let train {
            var reader = input
            reader.input = train; reader.labels = nil; reader.shard = nil
            let data = try reader.load(limit: trainRows)
            trainSplit = LabeledSplit(inputs: data.images, labels: data.labels)
        }
        var options = ModelEvaluation.Options()
        options.deadThreshold = deadThreshold
        options.includeProbe = !noProbe
        options.maxTrainRows = trainRows
        let report = try ModelEvaluation.run(model: loaded.model, normalization: loaded.normalization, train: trainSplit,
                                             test: LabeledSplit(inputs: test.images, labels: test.labels), options: options)
        if json { try Output.json(Report(model: loaded.id, input: input.input, report: report)); return }
        var lines = [
            "model                 \(loaded.id)",
            "test samples          \(report.testSamples)",
            String(format: "test MSE              %.6f", report.testMSE),
        ]
        if let pca = report.pcaMSE { lines.append(String(format: "PCA-%d MSE            %.6f", report.codeUnits, pca)) }
        if let pca = report.pcaModelSpaceMSE {
            lines.append(String(format: "PCA-%d, model space   %.6f (fitted on the normalized inputs, scored in pixels)", report.codeUnits, pca))
        }
        let t = report.lossTerms
        lines.append(String(format: "loss terms            reconstruction %.6g  sparsity %.6g  l2 %.6g  l1 %.6g  kl %.6g", t.reconstruction, t.sparsity, t.l2, t.l1, t.kl))
        lines.append(String(format: "mean code activation  %.4f", report.meanCodeActivation)
                     + (report.sparsityTarget.map { String(format: " (target %.3g, off by %.1f%%)", $0, (report.sparsityRelativeError ?? 0) * 100) } ?? ""))
        lines.append("dead units            \(report.deadUnits) of \(report.codeUnits) (never above \(report.deadThreshold))")
        if let l = report.locality { lines.append("first-layer weights   \(l.summaryLine)") }
        if let p = report.probeAccuracy, let r = report.rawProbeAccuracy {
            lines.append(String(format: "linear probe          codes %.2f%%   raw pixels %.2f%%", p * 100, r * 100))
        }
        print(lines.joined(separator: "\n"))
    }
}
