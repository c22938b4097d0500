/// The architecture of one autoencoder, as data: what a checkpoint, a recipe and the zoo carry.
///
/// A spec describes the whole family: dense stacks of any depth (symmetric or with an explicit
/// decoder), tied weights, every activation and loss, L2/L1/KL-sparsity regularizers,
/// training-only corruption, and the variational autoencoder. It encodes to JSON with stable keys;
/// keys with a default may be omitted when decoding.
///
/// ```swift
/// // The seeds' basic autoencoder: 784-200-784, softplus everywhere, 0.5 * sum of squares.
/// let spec = ModelSpec(inputSize: 784, encoder: [.init(units: 200, activation: .softplus)],
///                      outputActivation: .softplus, loss: .halfSumSquares)
/// try spec.validate()
/// let json = try JSONEncoder().encode(spec)
/// ```
///
/// Layers: `encoder` lists the hidden layers up to and including the code layer. `decoder` lists
/// the decoder's hidden layers (the output layer, `inputSize` units with `outputActivation`, is
/// always added); `nil` mirrors the encoder (`784-300-150` gives decoder `300`, same activations).
/// With `variational`, the last encoder entry is the code: two linear heads (mean and log-variance)
/// of that size replace it, so its activation must be `.identity`.
public struct ModelSpec: Codable, Equatable, Sendable {
    /// One dense layer: its width and nonlinearity.
    public struct Layer: Codable, Equatable, Sendable {
        public var units: Int
        public var activation: Activation
        public init(units: Int, activation: Activation) { self.units = units; self.activation = activation }
    }

    /// The KL sparsity penalty on the code layer's batch-mean activation.
    public struct Sparsity: Codable, Equatable, Sendable {
        /// The target mean activation rho, in (0, 1).
        public var target: Float
        /// The penalty's weight (beta).
        public var weight: Float
        public init(target: Float, weight: Float) { self.target = target; self.weight = weight }
    }

    /// Weight penalties and the sparsity penalty. All default to off.
    public struct Regularization: Codable, Equatable, Sendable {
        /// `l2 * sum(w^2) / 2` over kernels only (TF `l2_regularizer(scale)`); biases are never penalised.
        public var l2: Float
        /// `l1 * sum(|w|)` over kernels only.
        public var l1: Float
        public var sparsity: Sparsity?
        public init(l2: Float = 0, l1: Float = 0, sparsity: Sparsity? = nil) {
            self.l2 = l2; self.l1 = l1; self.sparsity = sparsity
        }
        public static let none = Regularization()
    }

    /// Training-only input corruption (denoising autoencoders). Encode and reconstruct never corrupt.
    public enum Corruption: Equatable, Sendable {
        case none
        /// Adds `sigma * N(0, 1)`, drawn independently for every element of every batch.
        case gaussian(sigma: Float)
        /// Sets each input element to 0 with `probability`, independently per element and step
        /// (Vincent et al.'s masking noise: survivors are *not* rescaled).
        case masking(probability: Float)
    }

    /// How variables are named in a `VariableStore` (see docs/MODELS.md for the full mapping).
    public enum Naming: String, Codable, Sendable {
        /// `tf.layers.dense` style: `dense/kernel`, `dense/bias`, `dense_1/kernel`, ...; VAE heads
        /// are `z_mean/...` and `z_log_var/...`.
        case dense
        /// The hand-built seeds: `weights1`, `weights2`, ... for stored kernels, `biases1`, ... per layer.
        case seed
    }

    public var inputSize: Int
    public var encoder: [Layer]
    public var decoder: [Layer]?
    public var outputActivation: Activation
    public var tiedWeights: Bool
    public var loss: ReconstructionLoss
    public var regularization: Regularization
    public var corruption: Corruption
    public var variational: Bool
    /// Weight of the VAE's KL(q(z|x) || N(0, I)) term, normalised like the reconstruction loss.
    public var klWeight: Float
    public var initializer: Initializer
    public var naming: Naming

    public init(inputSize: Int, encoder: [Layer], decoder: [Layer]? = nil,
                outputActivation: Activation = .sigmoid, tiedWeights: Bool = false,
                loss: ReconstructionLoss = .mse, regularization: Regularization = .none,
                corruption: Corruption = .none, variational: Bool = false, klWeight: Float = 1,
                initializer: Initializer = .xavierUniform, naming: Naming = .dense) {
        self.inputSize = inputSize; self.encoder = encoder; self.decoder = decoder
        self.outputActivation = outputActivation; self.tiedWeights = tiedWeights; self.loss = loss
        self.regularization = regularization; self.corruption = corruption
        self.variational = variational; self.klWeight = klWeight
        self.initializer = initializer; self.naming = naming
    }

    /// Width of the code layer.
    public var codeSize: Int { encoder.last?.units ?? 0 }

    /// The decoder's hidden layers after resolving `nil` to the mirror of the encoder.
    public var resolvedDecoder: [Layer] { decoder ?? Array(encoder.dropLast().reversed()) }

    /// Layer widths from input to output, e.g. `[784, 300, 150, 300, 784]`.
    public var layerSizes: [Int] { [inputSize] + encoder.map(\.units) + resolvedDecoder.map(\.units) + [inputSize] }

    /// Largest accepted layer width, so a hostile spec cannot request an unbounded allocation.
    public static let maximumUnits = 1 << 16
    /// Largest accepted total parameter count (about 1 GB of float32 weights).
    public static let maximumParameters = 1 << 28

    /// Checks the spec is buildable and consistent; throws `AutoencoderError.invalidSpec` naming the problem.
    public func validate() throws {
        func fail(_ message: String) -> AutoencoderError { .invalidSpec(message) }
        guard inputSize > 0, inputSize <= Self.maximumUnits else {
            throw fail("inputSize \(inputSize) must be in 1...\(Self.maximumUnits)")
        }
        guard !encoder.isEmpty else { throw fail("encoder needs at least one layer (the code layer)") }
        for (i, l) in (encoder + resolvedDecoder).enumerated() where l.units <= 0 || l.units > Self.maximumUnits {
            throw fail("layer \(i + 1) has \(l.units) units; must be in 1...\(Self.maximumUnits)")
        }
        let sizes = layerSizes
        var parameterCount = 0
        for i in 0..<(sizes.count - 1) { parameterCount += sizes[i] * sizes[i + 1] + sizes[i + 1] }
        guard parameterCount <= Self.maximumParameters else {
            throw fail("\(parameterCount) parameters exceeds the limit of \(Self.maximumParameters)")
        }
        if tiedWeights {
            let mirror = Array(encoder.dropLast().reversed().map(\.units))
            guard resolvedDecoder.map(\.units) == mirror else {
                throw fail("tied weights need a mirrored decoder (hidden sizes \(mirror)), got \(resolvedDecoder.map(\.units))")
            }
            guard !variational else { throw fail("tied weights are not supported for the variational autoencoder") }
        }
        if loss == .sigmoidCrossEntropy && outputActivation != .sigmoid {
            throw fail("loss sigmoidCrossEntropy works on logits and needs outputActivation sigmoid, got \(outputActivation.rawValue)")
        }
        let r = regularization
        guard r.l2 >= 0, r.l2.isFinite else { throw fail("l2 must be a finite value >= 0, got \(r.l2)") }
        guard r.l1 >= 0, r.l1.isFinite else { throw fail("l1 must be a finite value >= 0, got \(r.l1)") }
        if let s = r.sparsity {
            guard s.target > 0, s.target < 1 else { throw fail("sparsity target must be in (0, 1), got \(s.target)") }
            guard s.weight >= 0, s.weight.isFinite else { throw fail("sparsity weight must be >= 0, got \(s.weight)") }
            guard !variational else { throw fail("KL sparsity is not defined on a variational code") }
        }
        switch corruption {
        case .none: break
        case .gaussian(let sigma):
            guard sigma >= 0, sigma.isFinite else { throw fail("gaussian corruption sigma must be >= 0, got \(sigma)") }
        case .masking(let p):
            guard p >= 0, p < 1 else { throw fail("masking probability must be in [0, 1), got \(p)") }
        }
        if variational {
            guard encoder.last?.activation == .identity else {
                throw fail("a variational code layer is linear (mean and log-variance heads): set its activation to identity")
            }
            guard naming == .dense else { throw fail("the variational autoencoder uses dense naming (z_mean, z_log_var)") }
            guard klWeight >= 0, klWeight.isFinite else { throw fail("klWeight must be >= 0, got \(klWeight)") }
        }
    }
}

// MARK: - Codable (defaults for omitted keys, readable corruption)

extension ModelSpec {
    enum CodingKeys: String, CodingKey {
        case inputSize, encoder, decoder, outputActivation, tiedWeights, loss, regularization
        case corruption, variational, klWeight, initializer, naming
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputSize = try c.decode(Int.self, forKey: .inputSize)
        encoder = try c.decode([Layer].self, forKey: .encoder)
        self.decoder = try c.decodeIfPresent([Layer].self, forKey: .decoder)
        outputActivation = try c.decodeIfPresent(Activation.self, forKey: .outputActivation) ?? .sigmoid
        tiedWeights = try c.decodeIfPresent(Bool.self, forKey: .tiedWeights) ?? false
        loss = try c.decodeIfPresent(ReconstructionLoss.self, forKey: .loss) ?? .mse
        regularization = try c.decodeIfPresent(Regularization.self, forKey: .regularization) ?? .none
        corruption = try c.decodeIfPresent(Corruption.self, forKey: .corruption) ?? .none
        variational = try c.decodeIfPresent(Bool.self, forKey: .variational) ?? false
        klWeight = try c.decodeIfPresent(Float.self, forKey: .klWeight) ?? 1
        initializer = try c.decodeIfPresent(Initializer.self, forKey: .initializer) ?? .xavierUniform
        naming = try c.decodeIfPresent(Naming.self, forKey: .naming) ?? .dense
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputSize, forKey: .inputSize)
        try c.encode(self.encoder, forKey: .encoder)
        try c.encodeIfPresent(decoder, forKey: .decoder)
        try c.encode(outputActivation, forKey: .outputActivation)
        try c.encode(tiedWeights, forKey: .tiedWeights)
        try c.encode(loss, forKey: .loss)
        try c.encode(regularization, forKey: .regularization)
        try c.encode(corruption, forKey: .corruption)
        try c.encode(variational, forKey: .variational)
        try c.encode(klWeight, forKey: .klWeight)
        try c.encode(initializer, forKey: .initializer)
        try c.encode(naming, forKey: .naming)
    }
}

extension ModelSpec.Regularization {
    enum CodingKeys: String, CodingKey { case l2, l1, sparsity }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        l2 = try c.decodeIfPresent(Float.self, forKey: .l2) ?? 0
        l1 = try c.decodeIfPresent(Float.self, forKey: .l1) ?? 0
        sparsity = try c.decodeIfPresent(ModelSpec.Sparsity.self, forKey: .sparsity)
    }
}

/// JSON: `{"type": "none"}`, `{"type": "gaussian", "sigma": 0.1}`, `{"type": "masking", "probability": 0.05}`.
extension ModelSpec.Corruption: Codable {
    enum CodingKeys: String, CodingKey { case type, sigma, probability }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "none": self = .none
        case "gaussian": self = .gaussian(sigma: try c.decode(Float.self, forKey: .sigma))
        case "masking": self = .masking(probability: try c.decode(Float.self, forKey: .probability))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c,
                debugDescription: "unknown corruption type '\(other)' (expected none, gaussian or masking)")
        }
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .none: try c.encode("none", forKey: .type)
        case .gaussian(let s): try c.encode("gaussian", forKey: .type); try c.encode(s, forKey: .sigma)
        case .masking(let p): try c.encode("masking", forKey: .type); try c.encode(p, forKey: .probability)
        }
    }
}
