import Foundation
import Linalg

/// The fused elementwise loops of a training step. Each is one pass over contiguous memory,
/// writes into preallocated buffers and allocates nothing. The activation `switch` sits outside
/// the loops so every inner loop is a straight, inlinable expression.
enum Kernels {
    @inline(__always)
    static func eachRow(_ rows: Int, _ cols: Int, _ body: (Int) -> Void) {
        for r in 0..<rows { body(r * cols) }
    }

    /// `z = f(z + b)` row by row, in place.
    static func biasActivate(_ z: inout Matrix, bias: Matrix, _ f: Activation) {
        let rows = z.rows, cols = z.cols
        z.data.withUnsafeMutableBufferPointer { zp in
            bias.data.withUnsafeBufferPointer { bp in
                let z = zp.baseAddress!, b = bp.baseAddress!
                @inline(__always) func run(_ g: (Float) -> Float) {
                    for r in 0..<rows { let p = z + r * cols; for j in 0..<cols { p[j] = g(p[j] + b[j]) } }
                }
                switch f {
                case .sigmoid: run { Activation.sigmoid.value($0) }
                case .tanh: run { Activation.tanh.value($0) }
                case .relu: run { Activation.relu.value($0) }
                case .elu: run { Activation.elu.value($0) }
                case .softplus: run { Activation.softplus.value($0) }
                case .identity: run { $0 }
                }
            }
        }
    }

    /// Output layer: `logits += b` in place and `out = f(logits)`.
    static func biasActivate(logits: inout Matrix, bias: Matrix, _ f: Activation, into out: inout Matrix) {
        let rows = logits.rows, cols = logits.cols
        logits.data.withUnsafeMutableBufferPointer { zp in
            out.data.withUnsafeMutableBufferPointer { op in
                bias.data.withUnsafeBufferPointer { bp in
                    let z = zp.baseAddress!, o = op.baseAddress!, b = bp.baseAddress!
                    @inline(__always) func run(_ g: (Float) -> Float) {
                        for r in 0..<rows {
                            let p = z + r * cols, q = o + r * cols
                            for j in 0..<cols { let v = p[j] + b[j]; p[j] = v; q[j] = g(v) }
                        }
                    }
                    switch f {
                    case .sigmoid: run { Activation.sigmoid.value($0) }
                    case .tanh: run { Activation.tanh.value($0) }
                    case .relu: run { Activation.relu.value($0) }
                    case .elu: run { Activation.elu.value($0) }
                    case .softplus: run { Activation.softplus.value($0) }
                    case .identity: run { $0 }
                    }
                }
            }
        }
    }

    /// Backward through an activation: `g = (g + extra[j]) * f'(a)` in place, and `biasGrad = column sums of g`.
    /// `extra` (one value per column, e.g. the sparsity penalty's gradient) may be nil.
    static func activationBackward(_ g: inout Matrix, output a: Matrix, _ f: Activation,
                                   extra: [Float]?, biasGrad: inout Matrix) {
        let rows = g.rows, cols = g.cols
        g.data.withUnsafeMutableBufferPointer { gp in
            a.data.withUnsafeBufferPointer { ap in
                biasGrad.data.withUnsafeMutableBufferPointer { dbp in
                    let g = gp.baseAddress!, a = ap.baseAddress!, db = dbp.baseAddress!
                    db.update(repeating: 0, count: cols)
                    @inline(__always) func run(_ e: UnsafePointer<Float>?, _ d: (Float) -> Float) {
                        for r in 0..<rows {
                            let gr = g + r * cols, ar = a + r * cols
                            if let e {
                                for j in 0..<cols { let v = (gr[j] + e[j]) * d(ar[j]); gr[j] = v; db[j] += v }
                            } else {
                                for j in 0..<cols { let v = gr[j] * d(ar[j]); gr[j] = v; db[j] += v }
                            }
                        }
                    }
                    @inline(__always) func dispatch(_ e: UnsafePointer<Float>?) {
                        switch f {
                        case .sigmoid: run(e) { Activation.sigmoid.derivative(output: $0) }
                        case .tanh: run(e) { Activation.tanh.derivative(output: $0) }
                        case .relu: run(e) { Activation.relu.derivative(output: $0) }
                        case .elu: run(e) { Activation.elu.derivative(output: $0) }
                        case .softplus: run(e) { Activation.softplus.derivative(output: $0) }
                        case .identity: run(e) { _ in 1 }
                        }
                    }
                    if let extra { extra.withUnsafeBufferPointer { dispatch($0.baseAddress!) } } else { dispatch(nil) }
                }
            }
        }
    }

    /// Column sums of `g` into `biasGrad` (layers whose `g` already is the pre-activation gradient).
    static func columnSums(_ g: Matrix, into biasGrad: inout Matrix) {
        let rows = g.rows, cols = g.cols
        g.data.withUnsafeBufferPointer { gp in
            biasGrad.data.withUnsafeMutableBufferPointer { dbp in
                let g = gp.baseAddress!, db = dbp.baseAddress!
                db.update(repeating: 0, count: cols)
                for r in 0..<rows { let gr = g + r * cols; for j in 0..<cols { db[j] += gr[j] } }
            }
        }
    }

    /// The reconstruction loss and its gradient with respect to the output layer's pre-activation.
    ///
    /// Writes `dL/dz` into `g` and its column sums (the output bias gradient) into `biasGrad`, and
    /// returns the loss (already divided by the loss's normaliser) and the plain sum of squared
    /// errors (for the per-pixel MSE metric). Sums are kept per column in `scratch` (2 x cols) so
    /// the inner loop has no loop-carried reduction and vectorises.
    static func outputLoss(_ loss: ReconstructionLoss, output a: Matrix, logits z: Matrix, target x: Matrix,
                           activation f: Activation, normalizer: Double, into g: inout Matrix,
                           biasGrad: inout Matrix, scratch: inout [Float]) -> (loss: Double, squaredError: Double) {
        let rows = a.rows, cols = a.cols
        let scale = Float(1 / normalizer)
        precondition(scratch.count >= 2 * cols)
        return g.data.withUnsafeMutableBufferPointer { gp in
            a.data.withUnsafeBufferPointer { ap in
                z.data.withUnsafeBufferPointer { zp in
                    x.data.withUnsafeBufferPointer { xp in
                        biasGrad.data.withUnsafeMutableBufferPointer { dbp in
                            scratch.withUnsafeMutableBufferPointer { sp in
                                let g = gp.baseAddress!, a = ap.baseAddress!, z = zp.baseAddress!, x = xp.baseAddress!
                                let db = dbp.baseAddress!, sq = sp.baseAddress!, ce = sp.baseAddress! + cols
                                db.update(repeating: 0, count: cols)
                                sq.update(repeating: 0, count: 2 * cols)
                                switch loss {
                                case .mse, .halfSumSquares, .halfSumSquaresPerSample:
                                    // mse: d/da of sum(d^2)/n is 2d/n; halfSumSquares: d/da of sum(d^2)/2 is d;
                                    // per sample: d/da of sum(d^2)/(2 rows) is d/rows (scale = 1/rows).
                                    let k: Float = loss == .mse ? 2 * scale : (loss == .halfSumSquares ? 1 : scale)
                                    @inline(__always) func run(_ d: (Float) -> Float) {
                                        for r in 0..<rows {
                                            let o = r * cols
                                            for j in 0..<cols {
                                                let diff = a[o + j] - x[o + j]
                                                sq[j] += diff * diff
                                                let v = k * diff * d(a[o + j])
                                                g[o + j] = v
                                                db[j] += v
                                            }
                                        }
                                    }
                                    switch f {
                                    case .sigmoid: run { Activation.sigmoid.derivative(output: $0) }
                                    case .tanh: run { Activation.tanh.derivative(output: $0) }
                                    case .relu: run { Activation.relu.derivative(output: $0) }
                                    case .elu: run { Activation.elu.derivative(output: $0) }
                                    case .softplus: run { Activation.softplus.derivative(output: $0) }
                                    case .identity: run { _ in 1 }
                                    }
                                case .sigmoidCrossEntropy:
                                    // TF's stable form: max(z, 0) - z*x + log(1 + exp(-|z|)); d/dz = sigmoid(z) - x.
                                    for r in 0..<rows {
                                        let o = r * cols
                                        for j in 0..<cols {
                                            let zz = z[o + j], xx = x[o + j]
                                            ce[j] += Swift.max(zz, 0) - zz * xx + FastMath.log1pUnit(FastMath.exp(-Swift.abs(zz)))
                                            let diff = a[o + j] - xx
                                            sq[j] += diff * diff
                                            let v = scale * diff
                                            g[o + j] = v
                                            db[j] += v
                                        }
                                    }
                                }
                                var sse = 0.0, ceSum = 0.0
                                for j in 0..<cols { sse += Double(sq[j]); ceSum += Double(ce[j]) }
                                switch loss {
                                case .mse: return (sse / normalizer, sse)
                                case .halfSumSquares: return (0.5 * sse, sse)
                                case .halfSumSquaresPerSample: return (0.5 * sse / normalizer, sse)
                                case .sigmoidCrossEntropy: return (ceSum / normalizer, sse)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// KL sparsity on the batch-mean activation of `code`: fills `rhoHat` with the clamped column
    /// means and `columnGrad` with `d penalty / d a[r, j]` (the same for every row), returns the penalty.
    static func sparsity(code: Matrix, target rho: Float, weight: Float,
                         rhoHat: inout [Float], columnGrad: inout [Float]) -> Double {
        code.columnSums(into: &rhoHat)
        let rows = Float(code.rows), eps = SparsityClamp.epsilon
        var penalty = 0.0
        let r = Double(rho)
        for j in rhoHat.indices {
            let raw = rhoHat[j] / rows
            let clamped = Swift.min(Swift.max(raw, eps), 1 - eps)
            rhoHat[j] = clamped
            let q = Double(clamped)
            // rho*log(rho/q) + (1-rho)*log((1-rho)/(1-q)), written with subtracted logs.
            penalty += r * (Foundation.log(r) - Foundation.log(q)) + (1 - r) * (Foundation.log(1 - r) - Foundation.log(1 - q))
            // Where the clamp is active the penalty is flat in the activations: zero gradient.
            columnGrad[j] = (raw == clamped) ? weight * (-rho / clamped + (1 - rho) / (1 - clamped)) / rows : 0
        }
        return Double(weight) * penalty
    }

    /// Adds `l2 * w + l1 * sign(w)` to `grad` and returns `(sum(w^2), sum(|w|))`.
    static func weightPenalty(_ w: Matrix, l2: Float, l1: Float, grad: inout Matrix) -> (Double, Double) {
        w.data.withUnsafeBufferPointer { wp in
            grad.data.withUnsafeMutableBufferPointer { gp in
                var sq = 0.0, ab = 0.0
                let n = wp.count
                var i = 0
                while i < n {
                    let end = Swift.min(i + 4096, n)
                    var s: Float = 0, a: Float = 0
                    for k in i..<end {
                        let v = wp[k]
                        s += v * v; a += Swift.abs(v)
                        let sign: Float = v > 0 ? 1 : (v < 0 ? -1 : 0)
                        gp[k] += l2 * v + l1 * sign
                    }
                    sq += Double(s); ab += Double(a)
                    i = end
                }
                return (sq, ab)
            }
        }
    }
}

/// Where the sparsity penalty clamps the batch-mean activation, away from the logs' poles.
public enum SparsityClamp {
    public static let epsilon: Float = 1e-6
}
