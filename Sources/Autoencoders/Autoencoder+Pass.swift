import Foundation
import Linalg

/// The forward and backward passes, layer by layer, over a `Workspace`. Products go through
/// sgemm with transposes as BLAS flags; everything elementwise is one fused kernel per layer.
extension Autoencoder {
    func makeWorkspace(rows: Int, corrupts: Bool) -> Workspace {
        Workspace(plan: plan, rows: rows, corrupts: corrupts)
    }

    /// Zeroed gradients shaped like the parameters.
    func makeGradients() -> [Matrix] { parameters.map { Matrix(rows: $0.rows, cols: $0.cols) } }

    /// What the reconstruction loss (and the VAE's KL) is divided by for a batch of `rows`.
    func lossNormalizer(rows: Int) -> Double {
        switch spec.loss {
        case .halfSumSquares: return 1
        case .halfSumSquaresPerSample: return Double(rows)
        case .mse, .sigmoidCrossEntropy: return Double(rows) * Double(spec.inputSize)
        }
    }

    // MARK: Forward

    @inline(__always)
    private func forwardLayer(_ l: DenseLayer, input: Matrix, output: inout Matrix) {
        Matrix.gemm(input, .none, parameters[l.kernel], l.kernelTransposed ? .transposed : .none, into: &output)
        Kernels.biasActivate(&output, bias: parameters[l.bias], l.activation)
    }

    /// Input -> code. With `sampleCode` a VAE draws `z = mean + exp(logVar / 2) * eps` using the
    /// workspace's `eps` (filled by the trainer); otherwise the code is the mean and `eps` is zeroed.
    func forwardEncoder(_ ws: Workspace, sampleCode: Bool) {
        var input = ws.encoderInput
        for (i, l) in plan.encoder.enumerated() {
            forwardLayer(l, input: input.m, output: &ws.encoderOut[i].m)
            input = ws.encoderOut[i]
        }
        guard let mh = plan.meanHead, let vh = plan.logVarHead,
              let mean = ws.mean, let logVar = ws.logVar, let code = ws.code, let eps = ws.eps else { return }
        forwardLayer(mh, input: input.m, output: &mean.m)
        forwardLayer(vh, input: input.m, output: &logVar.m)
        if !sampleCode { eps.m.fill(0) }
        code.m.data.withUnsafeMutableBufferPointer { z in
            mean.m.data.withUnsafeBufferPointer { mu in
                logVar.m.data.withUnsafeBufferPointer { lv in
                    eps.m.data.withUnsafeBufferPointer { e in
                        for i in z.indices { z[i] = mu[i] + Foundation.exp(0.5 * lv[i]) * e[i] }
                    }
                }
            }
        }
    }

    /// Code (in `ws.codeBuffer`) -> the output layer's product `h W` in `ws.logits`, without its
    /// bias: training and evaluation fuse the bias, the output activation and the loss into one
    /// pass over it (`Kernels.outputLoss`).
    func decoderProducts(_ ws: Workspace) {
        var input = ws.codeBuffer
        let last = plan.decoder.count - 1
        for (i, l) in plan.decoder.enumerated() {
            if i == last {
                Matrix.gemm(input.m, .none, parameters[l.kernel], l.kernelTransposed ? .transposed : .none, into: &ws.logits.m)
            } else {
                forwardLayer(l, input: input.m, output: &ws.decoderOut[i].m)
                input = ws.decoderOut[i]
            }
        }
    }

    /// Code (in `ws.codeBuffer`) -> reconstruction (in `ws.output`, pre-activations in `ws.logits`).
    func forwardDecoder(_ ws: Workspace) {
        decoderProducts(ws)
        let l = plan.decoder[plan.decoder.count - 1]
        Kernels.biasActivate(logits: &ws.logits.m, bias: parameters[l.bias], l.activation, into: &ws.output.m)
    }

    // MARK: Backward

    /// `dW (+)= input^T g`, or for a tied layer reading `W^T`: `dW (+)= g^T input`.
    @inline(__always)
    private func kernelGradient(_ l: DenseLayer, input: Matrix, g: Matrix, into grads: inout [Matrix], accumulate: Bool) {
        let beta: Float = accumulate ? 1 : 0
        if l.kernelTransposed {
            Matrix.gemm(g, .transposed, input, .none, into: &grads[l.kernel], beta: beta)
        } else {
            Matrix.gemm(input, .transposed, g, .none, into: &grads[l.kernel], beta: beta)
        }
    }

    /// Gradient with respect to the layer's input: `g W^T` (tied: `g W`), written or added into `out`.
    @inline(__always)
    private func inputGradient(_ l: DenseLayer, g: Matrix, into out: inout Matrix, accumulate: Bool = false) {
        Matrix.gemm(g, .none, parameters[l.kernel], l.kernelTransposed ? .none : .transposed, into: &out, beta: accumulate ? 1 : 0)
    }

    /// After `forwardEncoder` and `decoderProducts`: every loss term of this batch and, into
    /// `grads`, the gradient of their sum with respect to every parameter. Returns the terms and
    /// the batch's sum of squared errors. (The trainer runs the same pieces per shard.)
    func backward(_ ws: Workspace, gradients grads: inout [Matrix]) -> (terms: LossTerms, squaredError: Double) {
        var terms = LossTerms()
        let normalizer = lossNormalizer(rows: ws.rows)
        let sse: Double
        (terms.reconstruction, sse) = backwardDecoder(ws, gradients: &grads, normalizer: normalizer, kernelsStartAtZero: false)
        var sparsityGrad: [Float]? = nil
        if let s = spec.regularization.sparsity, let code = ws.encoderOut.last, plan.meanHead == nil {
            Kernels.columnSums(code.m, into: &ws.codeSums)
            terms.sparsity = Kernels.sparsity(columnSums: ws.codeSums, rows: ws.rows, target: s.target, weight: s.weight,
                                              rhoHat: &ws.rhoHat, columnGrad: &ws.sparsityGrad)
            sparsityGrad = ws.sparsityGrad
        }
        terms.kl = backwardEncoder(ws, gradients: &grads, sparsityGradient: sparsityGrad, normalizer: normalizer, kernelsStartAtZero: false)
        let (l2, l1) = (spec.regularization.l2, spec.regularization.l1)
        if l2 > 0 || l1 > 0 {
            for k in parameters.indices where plan.isKernel[k] {
                let (sq, ab) = Kernels.weightPenalty(parameters[k], l2: l2, l1: l1, grad: &grads[k])
                terms.l2 += Double(l2) * sq / 2
                terms.l1 += Double(l1) * ab
            }
        }
        return (terms, sse)
    }

    /// The first half of a training backward pass, which needs nothing from other rows of the
    /// batch: the output layer's bias, activation and loss fused with its gradient, then the
    /// decoder top down, down to the gradient with respect to the code.
    ///
    /// `normalizer` is the whole batch's (`lossNormalizer`), so the losses and gradients of the
    /// shards of one batch add up to the batch's. Returns the reconstruction loss and the sum of
    /// squared errors of these rows. Bias gradients are overwritten. Kernel gradients are overwritten,
    /// or with `kernelsStartAtZero` (the trainer keeps them zeroed between steps) added to: sgemm then
    /// skips the separate pass that clears its output, which cost (a) 5% of its step.
    func backwardDecoder(_ ws: Workspace, gradients grads: inout [Matrix], normalizer: Double,
                         kernelsStartAtZero: Bool) -> (reconstruction: Double, squaredError: Double) {
        let last = plan.decoder.count - 1
        let outputLayer = plan.decoder[last]
        let result = ws.decoderGrad[last].m.data.withUnsafeMutableBufferPointer { g in
            grads[outputLayer.bias].data.withUnsafeMutableBufferPointer { db in
                Kernels.outputLoss(spec.loss, logits: ws.logits.m, bias: parameters[outputLayer.bias], target: ws.input.m,
                                   activation: outputLayer.activation, normalizer: normalizer,
                                   gradient: g.baseAddress!, biasGrad: db.baseAddress!, scratch: &ws.lossScratch)
            }
        }
        for i in stride(from: last, through: 0, by: -1) {
            let l = plan.decoder[i], g = ws.decoderGrad[i]
            if i != last {   // the output layer's bias gradient came from the loss kernel
                Kernels.activationBackward(&g.m, output: ws.decoderOut[i].m, l.activation, extra: nil, biasGrad: &grads[l.bias])
            }
            let input = i > 0 ? ws.decoderOut[i - 1] : ws.codeBuffer
            kernelGradient(l, input: input.m, g: g.m, into: &grads, accumulate: kernelsStartAtZero)
            let upstream = i > 0 ? ws.decoderGrad[i - 1] : (ws.codeGrad ?? ws.encoderGrad[plan.encoder.count - 1])
            inputGradient(l, g: g.m, into: &upstream.m)
        }
        return (result.loss, result.squaredError)
    }

    /// The second half: the VAE heads (returns their KL term, 0 otherwise) and the encoder top
    /// down. `sparsityGradient` is the sparsity penalty's per-column gradient, computed from the
    /// whole batch's mean code activation (nil without the penalty). Tied kernels already hold the
    /// decoder's share and are added to. `kernelsStartAtZero` as in `backwardDecoder`.
    func backwardEncoder(_ ws: Workspace, gradients grads: inout [Matrix], sparsityGradient: [Float]?, normalizer: Double,
                         kernelsStartAtZero: Bool) -> Double {
        var kl = 0.0
        if let mh = plan.meanHead, let vh = plan.logVarHead, let mean = ws.mean, let logVar = ws.logVar,
           let eps = ws.eps, let codeGrad = ws.codeGrad, let meanGrad = ws.meanGrad, let logVarGrad = ws.logVarGrad {
            kl = Self.variationalBackward(mean: mean.m, logVar: logVar.m, eps: eps.m, codeGrad: codeGrad.m,
                                          weight: Double(spec.klWeight) / normalizer,
                                          meanGrad: &meanGrad.m, logVarGrad: &logVarGrad.m)
            Kernels.columnSums(meanGrad.m, into: &grads[mh.bias])
            Kernels.columnSums(logVarGrad.m, into: &grads[vh.bias])
            let h = plan.encoder.isEmpty ? ws.encoderInput : ws.encoderOut[plan.encoder.count - 1]
            kernelGradient(mh, input: h.m, g: meanGrad.m, into: &grads, accumulate: kernelsStartAtZero)
            kernelGradient(vh, input: h.m, g: logVarGrad.m, into: &grads, accumulate: kernelsStartAtZero)
            if let top = ws.encoderGrad.last {
                inputGradient(mh, g: meanGrad.m, into: &top.m)
                inputGradient(vh, g: logVarGrad.m, into: &top.m, accumulate: true)
            }
        }
        for i in stride(from: plan.encoder.count - 1, through: 0, by: -1) {
            let l = plan.encoder[i], g = ws.encoderGrad[i]
            let extra = i == plan.encoder.count - 1 ? sparsityGradient : nil
            Kernels.activationBackward(&g.m, output: ws.encoderOut[i].m, l.activation, extra: extra, biasGrad: &grads[l.bias])
            let input = i > 0 ? ws.encoderOut[i - 1] : ws.encoderInput
            kernelGradient(l, input: input.m, g: g.m, into: &grads, accumulate: spec.tiedWeights || kernelsStartAtZero)
            if i > 0 { inputGradient(l, g: g.m, into: &ws.encoderGrad[i - 1].m) }
        }
        return kl
    }

    /// `d/dmean = dz + w*mean`, `d/dlogVar = dz*eps*exp(logVar/2)/2 + w*(exp(logVar) - 1)/2`;
    /// returns `w * sum(-(1 + logVar - mean^2 - exp(logVar)) / 2)`.
    static func variationalBackward(mean: Matrix, logVar: Matrix, eps: Matrix, codeGrad: Matrix, weight: Double,
                                    meanGrad: inout Matrix, logVarGrad: inout Matrix) -> Double {
        let w = Float(weight)
        var kl = 0.0
        mean.data.withUnsafeBufferPointer { mu in
            logVar.data.withUnsafeBufferPointer { lv in
                eps.data.withUnsafeBufferPointer { e in
                    codeGrad.data.withUnsafeBufferPointer { gz in
                        meanGrad.data.withUnsafeMutableBufferPointer { dmu in
                            logVarGrad.data.withUnsafeMutableBufferPointer { dlv in
                                for i in mu.indices {
                                    let s = Foundation.exp(0.5 * lv[i]), v = s * s
                                    kl += Double(-0.5 * (1 + lv[i] - mu[i] * mu[i] - v))
                                    dmu[i] = gz[i] + w * mu[i]
                                    dlv[i] = gz[i] * e[i] * 0.5 * s + w * 0.5 * (v - 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        return weight * kl
    }

    /// The loss terms for the batch in `ws` after `forwardEncoder` and `decoderProducts` (no
    /// gradients). Sparsity is left to the caller, which may pool the code means over several chunks.
    func evaluate(_ ws: Workspace) -> (terms: LossTerms, squaredError: Double) {
        var terms = LossTerms()
        let normalizer = lossNormalizer(rows: ws.rows)
        let outputLayer = plan.decoder[plan.decoder.count - 1]
        let (rec, sse) = Kernels.outputLoss(spec.loss, logits: ws.logits.m, bias: parameters[outputLayer.bias], target: ws.input.m,
                                            activation: outputLayer.activation, normalizer: normalizer,
                                            gradient: nil, biasGrad: nil, scratch: &ws.lossScratch)
        terms.reconstruction = rec
        if let mean = ws.mean, let logVar = ws.logVar {
            var kl = 0.0
            for i in mean.m.data.indices {
                let lv = Double(logVar.m.data[i]), mu = Double(mean.m.data[i])
                kl += -0.5 * (1 + lv - mu * mu - Foundation.exp(lv))
            }
            terms.kl = Double(spec.klWeight) / normalizer * kl
        }
        return (terms, sse)
    }

    /// The weight penalties alone (no gradient).
    func weightPenalties() -> (l2: Double, l1: Double) {
        var sq = 0.0, ab = 0.0
        for k in parameters.indices where plan.isKernel[k] {
            for v in parameters[k].data { sq += Double(v) * Double(v); ab += Double(Swift.abs(v)) }
        }
        return (Double(spec.regularization.l2) * sq / 2, Double(spec.regularization.l1) * ab)
    }
}
