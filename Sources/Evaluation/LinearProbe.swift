import Foundation
import Linalg

/// A multinomial logistic regression, the standard "linear probe" of a representation: how much
/// class information a linear readout finds in the codes, next to the same probe on raw pixels.
///
/// Features are standardised with statistics of the training split; weights are trained by
/// full-data-order mini-batch gradient descent with momentum and a small L2 penalty, from zeros,
/// in a fixed order — so the result is deterministic.
///
/// ```swift
/// let probe = LinearProbe.fit(features: trainCodes, labels: trainLabels, classes: 10)
/// let accuracy = probe.accuracy(features: testCodes, labels: testLabels)
/// ```
public struct LinearProbe: Sendable {
    public let classes: Int
    let scaler: Normalization
    var weights: Matrix      // features x classes
    var bias: [Float]

    public struct Options: Sendable {
        /// At least this many passes over the data...
        public var epochs = 30
        /// ...and at least this many updates, so small datasets are trained as long as large ones.
        public var minimumSteps = 7_000
        public var batchSize = 256
        public var learningRate: Float = 0.003
        public var momentum: Float = 0.9
        public var l2: Float = 1e-4
        public init() {}
    }

    /// Trains a probe on `features` (rows = samples) with integer `labels` in 0..<classes.
    public static func fit(features: Matrix, labels: [Int], classes: Int, options: Options = Options()) -> LinearProbe {
        precondition(features.rows == labels.count, "probe: \(features.rows) rows but \(labels.count) labels")
        let scaler = Normalization.fitStandard(features)
        var x = features
        scaler.apply(to: &x)
        let d = x.cols
        var w = Matrix(rows: d, cols: classes), b = [Float](repeating: 0, count: classes)
        var vw = Matrix(rows: d, cols: classes), vb = [Float](repeating: 0, count: classes)
        var gradW = Matrix(rows: d, cols: classes), gradB = [Float](repeating: 0, count: classes)
        // A fixed interleaving order: sorted datasets (digits 0..9) would otherwise feed one class per batch.
        var rng = RandomSource(seed: 0x70726F6265)
        let order = rng.permutation(x.rows)
        var batch = Matrix(rows: options.batchSize, cols: d), logits = Matrix(rows: options.batchSize, cols: classes)
        let stepsPerEpoch = (x.rows + options.batchSize - 1) / options.batchSize
        let epochs = Swift.max(options.epochs, (options.minimumSteps + stepsPerEpoch - 1) / Swift.max(stepsPerEpoch, 1))
        for _ in 0..<epochs {
            var start = 0
            while start < x.rows {
                let n = Swift.min(options.batchSize, x.rows - start)
                batch.reshape(rows: n, cols: d); logits.reshape(rows: n, cols: classes)
                let rows = order[start..<(start + n)]
                x.gather(rows: rows, into: &batch)
                Matrix.gemm(batch, w, into: &logits)
                logits.addRowVector(b)
                // Softmax cross-entropy gradient: p - onehot, averaged over the batch.
                for (r, i) in rows.enumerated() {
                    var m = -Float.infinity
                    for c in 0..<classes { m = Swift.max(m, logits[r, c]) }
                    var s: Float = 0
                    for c in 0..<classes { let e = (logits[r, c] - m).exp(); logits[r, c] = e; s += e }
                    for c in 0..<classes { logits[r, c] = (logits[r, c] / s - (labels[i] == c ? 1 : 0)) / Float(n) }
                }
                Matrix.gemm(batch, .transposed, logits, into: &gradW)
                gradW.add(w, scaledBy: options.l2)
                logits.columnSums(into: &gradB)
                vw.scale(by: options.momentum); vw.add(gradW)
                for c in 0..<classes { vb[c] = options.momentum * vb[c] + gradB[c] }
                w.add(vw, scaledBy: -options.learningRate)
                for c in 0..<classes { b[c] -= options.learningRate * vb[c] }
                start += n
            }
        }
        return LinearProbe(classes: classes, scaler: scaler, weights: w, bias: b)
    }

    /// Predicted class of each row.
    public func predict(_ features: Matrix) -> [Int] {
        var x = features
        scaler.apply(to: &x)
        var logits = x.matmul(weights)
        logits.addRowVector(bias)
        return (0..<logits.rows).map { r in
            var best = 0
            for c in 1..<classes where logits[r, c] > logits[r, best] { best = c }
            return best
        }
    }

    /// Fraction of rows whose predicted class equals the label.
    public func accuracy(features: Matrix, labels: [Int]) -> Double {
        let p = predict(features)
        guard !labels.isEmpty else { return 0 }
        return Double(zip(p, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }
}

private extension Float {
    func exp() -> Float { Float(Foundation.exp(Double(self))) }
}


