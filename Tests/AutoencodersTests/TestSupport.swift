import XCTest
import Linalg
@testable import Autoencoders

/// Shared helpers: small random data, spec builders, and the one-batch loss/gradient evaluation
/// the finite-difference checks compare against.
enum TestSupport {
    static func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64, low: Float = 0, high: Float = 1) -> Matrix {
        var rng = RandomSource(seed: seed)
        var m = Matrix(rows: rows, cols: cols)
        rng.fillUniform(&m.data, low: low, high: high)
        return m
    }

    static func spec(_ sizes: [Int], _ hidden: Activation, output: Activation = .sigmoid, loss: ReconstructionLoss = .mse,
                     tied: Bool = false, regularization: ModelSpec.Regularization = .none) -> ModelSpec {
        ModelSpec(inputSize: sizes[0], encoder: sizes.dropFirst().map { .init(units: $0, activation: hidden) },
                  outputActivation: output, tiedWeights: tied, loss: loss, regularization: regularization)
    }

    /// Loss terms and analytic gradients for one batch, with a fixed VAE `eps` if given.
    static func lossAndGradients(_ model: Autoencoder, _ x: Matrix, eps: Matrix? = nil) -> (LossTerms, [Matrix]) {
        let ws = model.makeWorkspace(rows: x.rows, corrupts: false)
        ws.input.m = x
        if let e = eps, let buffer = ws.eps { buffer.m = e }
        model.forwardEncoder(ws, sampleCode: true)
        model.decoderProducts(ws)
        var grads = model.makeGradients()
        let (terms, _) = model.backward(ws, gradients: &grads)
        return (terms, grads)
    }

    /// Compares analytic gradients with central differences `(L(p+h) - L(p-h)) / 2h` for every
    /// parameter element (losses accumulate in Double). Returns the worst relative error
    /// `|a - n| / max(|a| + |n|, floor)`.
    /// `analytic` defaults to `lossAndGradients`'s; the sharded trainer's can be passed instead.
    static func maxGradientError(_ model: Autoencoder, _ x: Matrix, eps: Matrix? = nil, analytic given: [Matrix]? = nil, h: Float = 1e-2,
                                 file: StaticString = #filePath, line: UInt = #line) -> Double {
        let analytic = given ?? lossAndGradients(model, x, eps: eps).1
        var worst = 0.0
        for k in model.parameters.indices {
            for i in model.parameters[k].data.indices {
                let saved = model.parameters[k].data[i]
                model.parameters[k].data[i] = saved + h
                let plus = lossAndGradients(model, x, eps: eps).0.total
                model.parameters[k].data[i] = saved - h
                let minus = lossAndGradients(model, x, eps: eps).0.total
                model.parameters[k].data[i] = saved
                let numeric = (plus - minus) / (2 * Double(h))
                let a = Double(analytic[k].data[i])
                let err = Swift.abs(a - numeric) / Swift.max(Swift.abs(a) + Swift.abs(numeric), 1e-3)
                if err > worst { worst = err }
            }
        }
        return worst
    }
}
