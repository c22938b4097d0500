import CKernels
import Foundation
import Linalg

/// The fused elementwise passes of a training step, as safe Swift over the C kernels in
/// `Sources/CKernels` (compiled per instruction set so they vectorise; see `aezoo_kernels.h`).
/// Each is one pass over contiguous memory into preallocated buffers and allocates nothing.
enum Kernels {
    /// `z = f(z + b)` row by row, in place.
    static func biasActivate(_ z: inout Matrix, bias: Matrix, _ f: Activation) {
        let rows = z.rows, cols = z.cols
        z.data.withUnsafeMutableBufferPointer { zp in
            bias.data.withUnsafeBufferPointer { bp in
                aez_bias_activate(zp.baseAddress!, bp.baseAddress!, rows, cols, f.kernelCode)
            }
        }
    }

    /// Output layer at inference: `logits += b` in place and `out = f(logits)`.
    static func biasActivate(logits: inout Matrix, bias: Matrix, _ f: Activation, into out: inout Matrix) {
        let rows = logits.rows, cols = logits.cols
        logits.data.withUnsafeMutableBufferPointer { zp in
            out.data.withUnsafeMutableBufferPointer { op in
                bias.data.withUnsafeBufferPointer { bp in
                    aez_bias_activate_output(zp.baseAddress!, bp.baseAddress!, op.baseAddress!, rows, cols, f.kernelCode)
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
                    func run(_ e: UnsafePointer<Float>?) {
                        aez_activation_backward(gp.baseAddress!, ap.baseAddress!, e, dbp.baseAddress!, rows, cols, f.kernelCode)
                    }
                    if let extra { extra.withUnsafeBufferPointer { run($0.baseAddress!) } } else { run(nil) }
                }
            }
        }
    }

    /// Column sums of `g` into `out` (rows in order, float32).
    static func columnSums(_ g: Matrix, into out: inout [Float]) {
        precondition(out.count == g.cols)
        let rows = g.rows, cols = g.cols
        g.data.withUnsafeBufferPointer { gp in
            out.withUnsafeMutableBufferPointer { aez_column_sums(gp.baseAddress!, $0.baseAddress!, rows, cols) }
        }
    }

    /// Column sums of `g` into `biasGrad` (layers whose `g` already is the pre-activation gradient).
    static func columnSums(_ g: Matrix, into biasGrad: inout Matrix) {
        columnSums(g, into: &biasGrad.data)
    }

    /// The output layer's bias and activation, the reconstruction loss and (with `gradient`) its
    /// gradient with respect to the output pre-activation, in one pass over the output product.
    ///
    /// `logits` holds `input * W` without the bias; the reconstruction `f(logits + b)` is computed
    /// and used, never stored. With `gradient`, `dL/dz` and its column sums (the output bias gradient) are written. Returns
    /// the loss (already divided by `normalizer`, the whole batch's, so shards of one batch add up)
    /// and the plain sum of squared errors (for the per-pixel MSE metric). `scratch` holds 2 x cols.
    static func outputLoss(_ loss: ReconstructionLoss, logits: Matrix, bias: Matrix, target x: Matrix,
                           activation f: Activation, normalizer: Double,
                           gradient: UnsafeMutablePointer<Float>?,
                           biasGrad: UnsafeMutablePointer<Float>?, scratch: inout [Float]) -> (loss: Double, squaredError: Double) {
        let rows = logits.rows, cols = logits.cols
        precondition(scratch.count >= 2 * cols && x.rows == rows && x.cols == cols)
        // mse: d/da of sum(d^2)/n is 2d/n; halfSumSquares: d/da of sum(d^2)/2 is d; per sample:
        // d/da of sum(d^2)/(2 rows) is d/rows (normalizer = rows); cross-entropy: d/dz is d/n.
        let scale: Float
        switch loss {
        case .mse: scale = 2 * Float(1 / normalizer)
        case .halfSumSquares: scale = 1
        case .halfSumSquaresPerSample, .sigmoidCrossEntropy: scale = Float(1 / normalizer)
        }
        let kind = loss == .sigmoidCrossEntropy ? Int32(AEZ_LOSS_SIGMOID_CROSS_ENTROPY) : Int32(AEZ_LOSS_SQUARED)
        logits.data.withUnsafeBufferPointer { lp in
            bias.data.withUnsafeBufferPointer { bp in
                x.data.withUnsafeBufferPointer { xp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        aez_output_loss(lp.baseAddress!, bp.baseAddress!, xp.baseAddress!, gradient, biasGrad,
                                        sp.baseAddress!, rows, cols, f.kernelCode, kind, scale)
                    }
                }
            }
        }
        var sse = 0.0, ceSum = 0.0
        for j in 0..<cols { sse += Double(scratch[j]); ceSum += Double(scratch[cols + j]) }
        switch loss {
        case .mse: return (sse / normalizer, sse)
        case .halfSumSquares: return (0.5 * sse, sse)
        case .halfSumSquaresPerSample: return (0.5 * sse / normalizer, sse)
        case .sigmoidCrossEntropy: return (ceSum / normalizer, sse)
        }
    }

    /// KL sparsity on the batch-mean code activation, from the code's column sums over the whole
    /// batch (`rows` rows): fills `rhoHat` with the clamped means and `columnGrad` with
    /// `d penalty / d a[r, j]` (the same for every row), returns the penalty.
    static func sparsity(columnSums: [Float], rows: Int, target rho: Float, weight: Float,
                         rhoHat: inout [Float], columnGrad: inout [Float]) -> Double {
        let n = Float(rows), eps = SparsityClamp.epsilon
        var penalty = 0.0
        let r = Double(rho)
        for j in columnSums.indices {
            let raw = columnSums[j] / n
            let clamped = Swift.min(Swift.max(raw, eps), 1 - eps)
            rhoHat[j] = clamped
            let q = Double(clamped)
            // rho*log(rho/q) + (1-rho)*log((1-rho)/(1-q)), written with subtracted logs.
            penalty += r * (Foundation.log(r) - Foundation.log(q)) + (1 - r) * (Foundation.log(1 - r) - Foundation.log(1 - q))
            // Where the clamp is active the penalty is flat in the activations: zero gradient.
            columnGrad[j] = (raw == clamped) ? weight * (-rho / clamped + (1 - rho) / (1 - clamped)) / n : 0
        }
        return Double(weight) * penalty
    }

    /// Elements per chunk of the weight-penalty sums: float32 partial sums over a chunk, chunks
    /// added in Double, so the sums do not depend on how the elements are split across threads.
    static let penaltyChunk = 4096

    /// Adds `l2 * w + l1 * sign(w)` to `grad` and returns `(sum(w^2), sum(|w|))`.
    static func weightPenalty(_ w: Matrix, l2: Float, l1: Float, grad: inout Matrix) -> (Double, Double) {
        w.data.withUnsafeBufferPointer { wp in
            grad.data.withUnsafeMutableBufferPointer { gp in
                var sq = 0.0, ab = 0.0
                var i = 0
                while i < wp.count {
                    let n = Swift.min(penaltyChunk, wp.count - i)
                    var s: Float = 0, a: Float = 0
                    _ = aez_reduce_gradients(gp.baseAddress! + i, nil, 0, wp.baseAddress! + i, n, l2, l1, &s, &a)
                    sq += Double(s); ab += Double(a)
                    i += n
                }
                return (sq, ab)
            }
        }
    }
}

extension Activation {
    /// The activation's number in the C kernels (`AEZ_SIGMOID` ...).
    var kernelCode: Int32 {
        switch self {
        case .sigmoid: Int32(AEZ_SIGMOID)
        case .tanh: Int32(AEZ_TANH)
        case .relu: Int32(AEZ_RELU)
        case .elu: Int32(AEZ_ELU)
        case .softplus: Int32(AEZ_SOFTPLUS)
        case .identity: Int32(AEZ_IDENTITY)
        }
    }
}

/// Where the sparsity penalty clamps the batch-mean activation, away from the logs' poles.
public enum SparsityClamp {
    public static let epsilon: Float = 1e-6
}
