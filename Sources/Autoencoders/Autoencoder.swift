import Linalg

/// A dense autoencoder built from a `ModelSpec`: basic, stacked, tied, sparse, denoising or variational.
///
/// The model owns its variables (kernels `[in, out]` and biases, named as TensorFlow names them)
/// and runs inference deterministically: `encode` never adds noise and a VAE encodes to its mean.
/// Training goes through `Trainer`, which owns the optimizer and the per-batch buffers.
///
/// ```swift
/// let model = try Autoencoder(spec: spec, seed: 42)
/// let codes = try model.encode(images)           // rows x codeSize
/// let again = try model.reconstruct(images)       // rows x inputSize
/// let store = model.variables                     // "dense/kernel", "dense/bias", ...
/// try model.load(store)
/// ```
///
/// Inference runs in chunks of `inferenceChunk` rows, so memory stays bounded for any input size.
public final class Autoencoder {
    public let spec: ModelSpec
    let plan: ModelPlan
    /// The variables in `plan.names` order; biases are stored as 1 x n matrices.
    var parameters: [Matrix]

    /// Rows processed at once by `encode`, `decode`, `reconstruct` and `Trainer.totalCost`.
    public static let inferenceChunk = 512

    /// A freshly initialised model: kernels from `spec.initializer` drawn from a `RandomSource`
    /// seeded with `seed` (in variable order), biases zero. Throws if the spec does not validate.
    public convenience init(spec: ModelSpec, seed: UInt64) throws {
        try self.init(spec: spec) { plan in
            var rng = RandomSource(seed: seed)
            return zip(plan.shapes, plan.isKernel).map { shape, isKernel in
                isKernel ? spec.initializer.kernel(fanIn: shape[0], fanOut: shape[1], rng: &rng) : Matrix(rows: 1, cols: shape[0])
            }
        }
    }

    /// A model with the variables in `store` (see `load`). Nothing is drawn at random and nothing
    /// is zero-filled first: restoring a model for inference should not pay for an
    /// initialisation it throws away.
    public convenience init(spec: ModelSpec, variables store: VariableStore) throws {
        try self.init(spec: spec) { plan in try Self.parameters(from: store, plan: plan) }
    }

    init(spec: ModelSpec, parameters make: (ModelPlan) throws -> [Matrix]) throws {
        try spec.validate()
        self.spec = spec
        plan = ModelPlan(spec)
        parameters = try make(plan)
    }

    public var inputSize: Int { spec.inputSize }
    /// Width of the code (for a VAE: of the mean).
    public var codeSize: Int { spec.codeSize }
    /// Number of dense layers, in forward order: encoder, the VAE's mean and log-variance heads, decoder.
    public var layerCount: Int { plan.allLayers.count }
    /// Number of trainable scalars (a tied kernel counts once).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
    /// Variable names, in order.
    public var variableNames: [String] { plan.names }

    /// A copy of every variable under its TensorFlow name.
    public var variables: VariableStore {
        var store = VariableStore()
        for (i, name) in plan.names.enumerated() {
            store[name] = Tensor(shape: plan.shapes[i], floats: parameters[i].data)
        }
        return store
    }

    /// Replaces every variable with the one of the same name in `store`.
    ///
    /// The store must hold exactly this model's variables: a missing or extra name, a shape
    /// mismatch, an integer dtype or a non-finite value throws and leaves the model unchanged.
    public func load(_ store: VariableStore) throws {
        parameters = try Self.parameters(from: store, plan: plan)
    }

    /// `store`'s variables as this plan's parameters, checked as `load` documents. With `only`,
    /// just those parameters are read and the others are left empty (an encoder-only model).
    static func parameters(from store: VariableStore, plan: ModelPlan, only: Set<Int>? = nil) throws -> [Matrix] {
        var loaded: [Matrix] = []
        loaded.reserveCapacity(plan.names.count)
        for (i, name) in plan.names.enumerated() {
            if let only, !only.contains(i) { loaded.append(Matrix(rows: 0, cols: 0)); continue }
            let shape = plan.shapes[i]
            guard let t = store[name] else { throw AutoencoderError.missingVariable(name: name, expectedShape: shape) }
            guard t.shape == shape else { throw AutoencoderError.shapeMismatch(name: name, expected: shape, found: t.shape) }
            guard t.isFloating else { throw AutoencoderError.badVariable(name: name, reason: "dtype \(t.dtype.rawValue) is not floating point") }
            guard t.floats.allSatisfy(\.isFinite) else { throw AutoencoderError.badVariable(name: name, reason: "holds NaN or infinity") }
            loaded.append(Matrix(rows: plan.isKernel[i] ? shape[0] : 1, cols: plan.isKernel[i] ? shape[1] : shape[0], data: t.floats))
        }
        let expected = Set(only.map { $0.map { plan.names[$0] } } ?? plan.names)
        if let extra = store.names.first(where: { !expected.contains($0) }) {
            throw AutoencoderError.unexpectedVariable(name: extra, shape: store[extra]?.shape ?? [])
        }
        return loaded
    }

    /// The kernel of dense layer `layer` (0-based, forward order) as `[in, out]`. A tied decoder
    /// layer returns the transpose of the encoder kernel it shares.
    public func weights(layer: Int) throws -> Matrix {
        let l = try denseLayer(layer)
        return l.kernelTransposed ? parameters[l.kernel].transposed : parameters[l.kernel]
    }

    /// The bias of dense layer `layer` (0-based, forward order).
    public func biases(layer: Int) throws -> [Float] {
        parameters[try denseLayer(layer).bias].data
    }

    private func denseLayer(_ index: Int) throws -> DenseLayer {
        let layers = plan.allLayers
        guard layers.indices.contains(index) else {
            throw AutoencoderError.invalidSpec("layer \(index) does not exist; this model has layers 0..<\(layers.count)")
        }
        return layers[index]
    }

    /// Codes for the rows of `x` (`x.rows x codeSize`). Deterministic: no corruption, VAE -> mean.
    public func encode(_ x: Matrix) throws -> Matrix {
        try checkWidth(x, inputSize, "encode")
        return chunked(x, outputWidth: codeSize) { ws in
            forwardEncoder(ws, sampleCode: false)
            return ws.codeBuffer.m
        }
    }

    /// Reconstructions decoded from codes (`codes.rows x inputSize`).
    public func decode(_ codes: Matrix) throws -> Matrix {
        try checkWidth(codes, codeSize, "decode")
        return chunked(codes, outputWidth: inputSize, loadInto: { $0.codeBuffer }) { ws in
            forwardDecoder(ws)
            return ws.output.m
        }
    }

    /// `decode(encode(x))`, deterministically.
    public func reconstruct(_ x: Matrix) throws -> Matrix {
        try checkWidth(x, inputSize, "reconstruct")
        return chunked(x, outputWidth: inputSize) { ws in
            forwardEncoder(ws, sampleCode: false)
            forwardDecoder(ws)
            return ws.output.m
        }
    }

    func checkWidth(_ x: Matrix, _ width: Int, _ context: String) throws {
        guard x.cols == width else { throw AutoencoderError.inputWidth(expected: width, found: x.cols, context: context) }
    }

    /// Runs `body` over chunks of `x` copied into a workspace (into `input` unless `loadInto` says
    /// otherwise) and stacks the matrices it returns.
    func chunked(_ x: Matrix, outputWidth: Int, loadInto target: (Workspace) -> Buffer = { $0.input },
                 _ body: (Workspace) -> Matrix) -> Matrix {
        var out = Matrix(rows: x.rows, cols: outputWidth)
        var workspaces: [Int: Workspace] = [:]
        var start = 0
        DenormalFlushing.run { while start < x.rows {
            let n = min(Self.inferenceChunk, x.rows - start)
            let ws = workspaces[n] ?? makeWorkspace(rows: n, corrupts: false)
            workspaces[n] = ws
            x.gather(rows: start..<(start + n), into: &target(ws).m)
            let result = body(ws)
            if outputWidth > 0 { out.data.withUnsafeMutableBufferPointer { o in
                result.data.withUnsafeBufferPointer { r in
                    (o.baseAddress! + start * outputWidth).update(from: r.baseAddress!, count: n * outputWidth)
                }
            } }
            start += n
        } }
        return out
    }
}
