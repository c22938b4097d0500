import Autoencoders
import Foundation
import Linalg

/// A labelled split: inputs as read (pixels in [0, 1]) and optional integer labels.
public struct LabeledSplit: Sendable {
    public var inputs: Matrix
    public var labels: [Int]?
    public init(inputs: Matrix, labels: [Int]?) { self.inputs = inputs; self.labels = labels }
}

/// Everything `aezoo evaluate` reports about a model on a test split.
public struct EvaluationReport: Codable, Equatable, Sendable {
    public var testSamples: Int
    /// Mean over pixels of (reconstruction - input)^2 in input space ([0, 1] pixels).
    public var testMSE: Double
    /// Each loss term on the test split, in model space (after the model's normalization).
    public var lossTerms: LossTerms
    public var codeUnits: Int
    /// Mean code activation over units and test samples (the VAE: its mean code).
    public var meanCodeActivation: Double
    /// The sparsity target, when the model has one, and |mean activation - target| / target.
    public var sparsityTarget: Double?
    public var sparsityRelativeError: Double?
    /// Units whose activation never exceeds `deadThreshold` on the test split.
    public var deadUnits: Int
    public var deadThreshold: Double
    /// PCA with `codeUnits` components fitted on the training split's pixels, scored on the test split.
    public var pcaMSE: Double?
    /// For a model that trains on normalized inputs (`standard`): PCA with `codeUnits` components
    /// fitted in that space (the normalized training split), its test reconstructions mapped back to
    /// pixels and scored like the model's. `nil` when the model sees pixels (then it equals `pcaMSE`).
    public var pcaModelSpaceMSE: Double?
    /// How local the first layer's input weights are, next to the same measure on the principal
    /// directions of the space the model trains in; `nil` unless inputs are square images.
    public var locality: LocalitySummary?
    /// Logistic-regression accuracy on codes and on raw pixels (train split -> test split).
    public var probeAccuracy: Double?
    public var rawProbeAccuracy: Double?
}

/// `FeatureLocality` medians of a model's first-layer weights and of PCA's components (as many as
/// the model has code units, at most the input size), fitted in the space the model trains in.
public struct LocalitySummary: Codable, Equatable, Sendable {
    public var window: Int
    public var windowEnergy: Double
    public var effectivePixels: Double
    public var pcaComponents: Int
    public var pcaWindowEnergy: Double
    public var pcaEffectivePixels: Double
    /// Optional so that entries measured before this statistic existed still load.
    public var neighbourCorrelation: Double?
    public var pcaNeighbourCorrelation: Double?

    public init(window: Int, windowEnergy: Double, effectivePixels: Double, pcaComponents: Int,
                pcaWindowEnergy: Double, pcaEffectivePixels: Double,
                neighbourCorrelation: Double? = nil, pcaNeighbourCorrelation: Double? = nil) {
        self.window = window; self.windowEnergy = windowEnergy; self.effectivePixels = effectivePixels
        self.pcaComponents = pcaComponents; self.pcaWindowEnergy = pcaWindowEnergy; self.pcaEffectivePixels = pcaEffectivePixels
        self.neighbourCorrelation = neighbourCorrelation; self.pcaNeighbourCorrelation = pcaNeighbourCorrelation
    }

    /// One line for logs and terminal reports, each statistic next to PCA's.
    public var summaryLine: String {
        var s = String(format: "%dx%d window energy %.3f (PCA %.3f), effective pixels %.0f (PCA %.0f)",
                       window, window, windowEnergy, pcaWindowEnergy, effectivePixels, pcaEffectivePixels)
        if let mine = neighbourCorrelation, let theirs = pcaNeighbourCorrelation {
            s += String(format: ", adjacent-weight correlation %.3f (PCA %.3f; noise 0)", mine, theirs)
        }
        return s
    }
}

/// Measures a trained model the way the zoo's quality bar asks.
///
/// ```swift
/// let report = try ModelEvaluation.run(model: model, normalization: norm, train: train, test: test)
/// print(report.testMSE, report.pcaMSE ?? .nan)
/// ```
public enum ModelEvaluation {
    public struct Options: Sendable {
        /// Fit PCA and the probes on at most this many training rows (deterministically the first ones).
        public var maxTrainRows = 60_000
        public var deadThreshold = 0.01
        public var includePCA = true
        public var includeProbe = true
        public init() {}
    }

    public static func run(model: Autoencoder, normalization: Normalization, train: LabeledSplit?, test: LabeledSplit,
                           options: Options = Options()) throws -> EvaluationReport {
        var x = test.inputs
        normalization.apply(to: &x)
        var reconstruction = try model.reconstruct(x)
        normalization.invert(&reconstruction)
        let testMSE = reconstruction.meanSquaredError(to: test.inputs)

        let evaluator = try Trainer(model: model, optimizer: OptimizerConfig.sgd(learningRate: 1).makeOptimizer(),
                                    batchSize: 1, seed: 0)
        let terms = try evaluator.evaluate(x).terms

        let codes = try model.encode(x)
        let activity = CodeActivity(codes, threshold: options.deadThreshold)
        let target = model.spec.regularization.sparsity.map { Double($0.target) }

        var pcaMSE: Double?, pcaModelSpaceMSE: Double?, probe: Double?, rawProbe: Double?
        var locality: LocalitySummary?
        let side = Int(Double(model.inputSize).squareRoot().rounded())
        let square = side * side == model.inputSize && side >= 2
        if let train, train.inputs.rows > 0 {
            let rows = min(train.inputs.rows, options.maxTrainRows)
            let trainInputs = rows == train.inputs.rows ? train.inputs : train.inputs.rows(0..<rows)
            if options.includePCA {
                let k = min(model.codeSize, trainInputs.cols)
                let pca = try PCA.fit(trainInputs, components: k)
                pcaMSE = pca.reconstruct(test.inputs).meanSquaredError(to: test.inputs)
                var modelSpacePCA = pca
                if normalization != .none {
                    var xt = trainInputs
                    normalization.apply(to: &xt)
                    modelSpacePCA = try PCA.fit(xt, components: k)
                    var r = modelSpacePCA.reconstruct(x)
                    normalization.invert(&r)
                    pcaModelSpaceMSE = r.meanSquaredError(to: test.inputs)
                }
                if square {
                    let mine = FeatureLocality(unitsByInputs: try model.weights(layer: 0).transposed, side: side)
                    let theirs = FeatureLocality(unitsByInputs: modelSpacePCA.components, side: side)
                    locality = LocalitySummary(window: mine.window, windowEnergy: mine.medianWindowEnergy,
                                               effectivePixels: mine.medianEffectivePixels, pcaComponents: k,
                                               pcaWindowEnergy: theirs.medianWindowEnergy, pcaEffectivePixels: theirs.medianEffectivePixels,
                                               neighbourCorrelation: mine.medianNeighbourCorrelation,
                                               pcaNeighbourCorrelation: theirs.medianNeighbourCorrelation)
                }
            }
            if options.includeProbe, let trainLabels = train.labels, let testLabels = test.labels {
                let labels = Array(trainLabels.prefix(rows))
                let classes = (labels + testLabels).max().map { $0 + 1 } ?? 0
                var xt = trainInputs
                normalization.apply(to: &xt)
                let trainCodes = try model.encode(xt)
                probe = LinearProbe.fit(features: trainCodes, labels: labels, classes: classes)
                    .accuracy(features: codes, labels: testLabels)
                rawProbe = LinearProbe.fit(features: trainInputs, labels: labels, classes: classes)
                    .accuracy(features: test.inputs, labels: testLabels)
            }
        }
        return EvaluationReport(
            testSamples: test.inputs.rows, testMSE: testMSE, lossTerms: terms, codeUnits: model.codeSize,
            meanCodeActivation: activity.mean, sparsityTarget: target,
            sparsityRelativeError: target.map { abs(activity.mean - $0) / $0 },
            deadUnits: activity.deadUnits, deadThreshold: options.deadThreshold,
            pcaMSE: pcaMSE, pcaModelSpaceMSE: pcaModelSpaceMSE, locality: locality,
            probeAccuracy: probe, rawProbeAccuracy: rawProbe)
    }
}

/// Per-unit activity statistics of a code matrix.
public struct CodeActivity: Sendable {
    /// Mean over all units and samples.
    public var mean: Double
    public var perUnitMean: [Double]
    /// Units whose activation never exceeds the threshold.
    public var deadUnits: Int

    public init(_ codes: Matrix, threshold: Double) {
        var sums = [Double](repeating: 0, count: codes.cols)
        var peaks = [Float](repeating: -.infinity, count: codes.cols)
        for r in 0..<codes.rows {
            for j in 0..<codes.cols {
                let v = codes[r, j]
                sums[j] += Double(v)
                if v > peaks[j] { peaks[j] = v }
            }
        }
        let n = Double(max(codes.rows, 1))
        perUnitMean = sums.map { $0 / n }
        mean = perUnitMean.reduce(0, +) / Double(max(codes.cols, 1))
        deadUnits = peaks.filter { Double($0) <= threshold }.count
    }
}
