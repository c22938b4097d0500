/// One dense layer of a built model: which parameters it reads and how.
struct DenseLayer: Sendable {
    let inputSize: Int
    let outputSize: Int
    let activation: Activation
    /// Index of the kernel parameter. A tied decoder layer reads an encoder kernel transposed.
    let kernel: Int
    let kernelTransposed: Bool
    let bias: Int
}

/// A `ModelSpec` resolved into layers and named parameters (variable order = parameter order).
struct ModelPlan: Sendable {
    var names: [String] = []
    var shapes: [[Int]] = []
    var isKernel: [Bool] = []
    /// Hidden encoder layers; without `variational` the last one is the code layer.
    var encoder: [DenseLayer] = []
    /// The VAE's mean and log-variance heads (linear), both fed by the last hidden encoder layer.
    var meanHead: DenseLayer?
    var logVarHead: DenseLayer?
    /// Decoder layers, the output layer last.
    var decoder: [DenseLayer] = []

    var allLayers: [DenseLayer] { encoder + [meanHead, logVarHead].compactMap { $0 } + decoder }

    init(_ spec: ModelSpec) {
        var seedKernels: [(String, [Int])] = [], seedBiases: [(String, [Int])] = []
        var denseCount = 0
        // Parameters are appended in variable order; seed naming lists all weights before all biases,
        // as the hand-built seed declares them, so indices are fixed up at the end for that scheme.
        var pending: [(name: String, shape: [Int], kernel: Bool)] = []

        func nextDenseName() -> String {
            defer { denseCount += 1 }
            return denseCount == 0 ? "dense" : "dense_\(denseCount)"
        }
        func addParameter(_ name: String, _ shape: [Int], kernel: Bool) -> Int {
            pending.append((name, shape, kernel)); return pending.count - 1
        }
        func makeLayer(from inSize: Int, _ layer: ModelSpec.Layer, scope: String?, tiedTo: Int? = nil) -> DenseLayer {
            let out = layer.units
            let kernelIndex: Int, biasIndex: Int
            switch spec.naming {
            case .dense:
                let s = scope ?? nextDenseName()
                kernelIndex = tiedTo ?? addParameter("\(s)/kernel", [inSize, out], kernel: true)
                biasIndex = addParameter("\(s)/bias", [out], kernel: false)
            case .seed:
                if let t = tiedTo { kernelIndex = t } else {
                    seedKernels.append(("weights\(seedKernels.count + 1)", [inSize, out]))
                    kernelIndex = addParameter(seedKernels.last!.0, [inSize, out], kernel: true)
                }
                seedBiases.append(("biases\(seedBiases.count + 1)", [out]))
                biasIndex = addParameter(seedBiases.last!.0, [out], kernel: false)
            }
            return DenseLayer(inputSize: inSize, outputSize: out, activation: layer.activation,
                              kernel: kernelIndex, kernelTransposed: tiedTo != nil, bias: biasIndex)
        }

        var width = spec.inputSize
        let hidden = spec.variational ? Array(spec.encoder.dropLast()) : spec.encoder
        for l in hidden { encoder.append(makeLayer(from: width, l, scope: nil)); width = l.units }
        if spec.variational, let code = spec.encoder.last {
            meanHead = makeLayer(from: width, code, scope: "z_mean")
            logVarHead = makeLayer(from: width, code, scope: "z_log_var")
            width = code.units
        }
        let decoderLayers = spec.resolvedDecoder + [ModelSpec.Layer(units: spec.inputSize, activation: spec.outputActivation)]
        for (i, l) in decoderLayers.enumerated() {
            let tied: Int? = spec.tiedWeights ? encoder[encoder.count - 1 - i].kernel : nil
            decoder.append(makeLayer(from: width, l, scope: nil, tiedTo: tied))
            width = l.units
        }

        // Seed naming: reorder to all kernels, then all biases.
        var order = Array(pending.indices)
        if spec.naming == .seed {
            order = pending.indices.filter { pending[$0].kernel } + pending.indices.filter { !pending[$0].kernel }
        }
        var newIndex = [Int](repeating: 0, count: pending.count)
        for (n, old) in order.enumerated() { newIndex[old] = n }
        names = order.map { pending[$0].name }
        shapes = order.map { pending[$0].shape }
        isKernel = order.map { pending[$0].kernel }
        func remap(_ l: DenseLayer) -> DenseLayer {
            DenseLayer(inputSize: l.inputSize, outputSize: l.outputSize, activation: l.activation,
                       kernel: newIndex[l.kernel], kernelTransposed: l.kernelTransposed, bias: newIndex[l.bias])
        }
        encoder = encoder.map(remap); decoder = decoder.map(remap)
        meanHead = meanHead.map(remap); logVarHead = logVarHead.map(remap)
    }
}

extension ModelSpec {
    /// The variables a model built from this spec has, in order, with TensorFlow shapes
    /// (kernels `[in, out]`, biases `[out]`). Checkpoints list them in this order.
    public var variableLayout: [(name: String, shape: [Int])] {
        let p = ModelPlan(self)
        return zip(p.names, p.shapes).map { (name: $0, shape: $1) }
    }
}
