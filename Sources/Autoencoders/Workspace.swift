import Linalg

/// A matrix behind a reference, so a step can read one buffer while writing another without
/// the two being parts of the same value (Swift's exclusivity rule) and without copies.
final class Buffer {
    var m: Matrix
    init(_ rows: Int, _ cols: Int) { m = Matrix(rows: rows, cols: cols) }
}

/// Every per-batch buffer a forward and backward pass needs, for one batch size.
/// Built once per batch shape and reused by every step of that shape: a step allocates nothing.
final class Workspace {
    let rows: Int
    /// The clean batch (the loss's target).
    let input: Buffer
    /// The corrupted batch the encoder sees when training with corruption.
    let corrupted: Buffer?
    let encoderOut: [Buffer], encoderGrad: [Buffer]
    let mean: Buffer?, logVar: Buffer?, code: Buffer?, eps: Buffer?
    let meanGrad: Buffer?, logVarGrad: Buffer?, codeGrad: Buffer?
    let decoderOut: [Buffer], decoderGrad: [Buffer]
    /// Output layer pre-activations (sigmoid cross-entropy works on logits).
    let logits: Buffer
    /// Column sums of the code layer (its batch mean needs every shard's), the clamped batch mean,
    /// and the sparsity penalty's per-column gradient.
    var codeSums: [Float]
    var rhoHat: [Float]
    var sparsityGrad: [Float]
    /// Per-column partial sums of the output loss kernel.
    var lossScratch: [Float]

    init(plan: ModelPlan, rows: Int, corrupts: Bool) {
        self.rows = rows
        let inputSize = plan.decoder.last!.outputSize
        input = Buffer(rows, inputSize)
        corrupted = corrupts ? Buffer(rows, inputSize) : nil
        encoderOut = plan.encoder.map { Buffer(rows, $0.outputSize) }
        encoderGrad = plan.encoder.map { Buffer(rows, $0.outputSize) }
        if let head = plan.meanHead {
            let k = head.outputSize
            mean = Buffer(rows, k); logVar = Buffer(rows, k); code = Buffer(rows, k); eps = Buffer(rows, k)
            meanGrad = Buffer(rows, k); logVarGrad = Buffer(rows, k); codeGrad = Buffer(rows, k)
        } else {
            mean = nil; logVar = nil; code = nil; eps = nil; meanGrad = nil; logVarGrad = nil; codeGrad = nil
        }
        decoderOut = plan.decoder.map { Buffer(rows, $0.outputSize) }
        decoderGrad = plan.decoder.map { Buffer(rows, $0.outputSize) }
        logits = Buffer(rows, inputSize)
        let codeWidth = plan.encoder.last?.outputSize ?? 0
        codeSums = [Float](repeating: 0, count: codeWidth)
        rhoHat = [Float](repeating: 0, count: codeWidth)
        sparsityGrad = [Float](repeating: 0, count: codeWidth)
        lossScratch = [Float](repeating: 0, count: 2 * inputSize)
    }

    /// The matrix the encoder reads.
    var encoderInput: Buffer { corrupted ?? input }
    /// The code layer's buffer (VAE: the sampled or mean code).
    var codeBuffer: Buffer { code ?? encoderOut.last! }
    var output: Buffer { decoderOut.last! }
}
