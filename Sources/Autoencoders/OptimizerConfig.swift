/// Which optimizer to train with, and its hyperparameters (TensorFlow 1 defaults).
///
/// ```swift
/// let adam = OptimizerConfig.adam(learningRate: 1e-3)
/// let optimizer = adam.makeOptimizer()
/// ```
public struct OptimizerConfig: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case sgd, momentum, rmsprop, adam, adagrad }

    public var kind: Kind
    public var learningRate: Float
    /// Adam's first-moment decay (TF default 0.9).
    public var beta1: Float
    /// Adam's second-moment decay (TF default 0.999).
    public var beta2: Float
    /// Adam: added to `sqrt(v)` (TF default 1e-8); RMSProp: added to the mean square inside the root (1e-10).
    public var epsilon: Float
    /// Momentum's and RMSProp's momentum (Momentum has no default in TF; aezoo uses 0.9; RMSProp 0).
    public var momentum: Float
    /// Momentum: Nesterov's variant.
    public var nesterov: Bool
    /// RMSProp's mean-square decay rho (TF default 0.9).
    public var decay: Float
    /// Adagrad's initial accumulator value (TF default 0.1).
    public var initialAccumulator: Float

    public init(kind: Kind, learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float? = nil,
                momentum: Float? = nil, nesterov: Bool = false, decay: Float = 0.9, initialAccumulator: Float = 0.1) {
        self.kind = kind; self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
        self.epsilon = epsilon ?? (kind == .rmsprop ? 1e-10 : 1e-8)
        self.momentum = momentum ?? (kind == .momentum ? 0.9 : 0)
        self.nesterov = nesterov; self.decay = decay; self.initialAccumulator = initialAccumulator
    }

    public static func adam(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) -> Self {
        .init(kind: .adam, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon)
    }
    public static func sgd(learningRate: Float) -> Self { .init(kind: .sgd, learningRate: learningRate) }
    public static func momentum(learningRate: Float, momentum: Float = 0.9, nesterov: Bool = false) -> Self {
        .init(kind: .momentum, learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }
    public static func rmsprop(learningRate: Float = 1e-3, decay: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-10) -> Self {
        .init(kind: .rmsprop, learningRate: learningRate, epsilon: epsilon, momentum: momentum, decay: decay)
    }
    public static func adagrad(learningRate: Float, initialAccumulator: Float = 0.1) -> Self {
        .init(kind: .adagrad, learningRate: learningRate, initialAccumulator: initialAccumulator)
    }

    /// Checks the hyperparameters; throws `AutoencoderError.invalidSpec` naming the bad field.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws { if !ok { throw AutoencoderError.invalidSpec("optimizer \(kind.rawValue): \(message)") } }
        try check(learningRate > 0 && learningRate.isFinite, "learningRate must be > 0, got \(learningRate)")
        try check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got \(beta1)")
        try check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got \(beta2)")
        try check(epsilon >= 0 && epsilon.isFinite, "epsilon must be >= 0, got \(epsilon)")
        try check(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
        try check(decay >= 0 && decay < 1, "decay must be in [0, 1), got \(decay)")
        try check(initialAccumulator > 0 && initialAccumulator.isFinite, "initialAccumulator must be > 0, got \(initialAccumulator)")
    }

    /// A fresh optimizer of this kind.
    public func makeOptimizer() -> any Optimizer {
        switch kind {
        case .sgd: return SGD(config: self)
        case .momentum: return Momentum(config: self)
        case .rmsprop: return RMSProp(config: self)
        case .adam: return Adam(config: self)
        case .adagrad: return Adagrad(config: self)
        }
    }
}

extension OptimizerConfig {
    enum CodingKeys: String, CodingKey {
        case kind, learningRate, beta1, beta2, epsilon, momentum, nesterov, decay, initialAccumulator
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(Kind.self, forKey: .kind),
                  learningRate: try c.decode(Float.self, forKey: .learningRate),
                  beta1: try c.decodeIfPresent(Float.self, forKey: .beta1) ?? 0.9,
                  beta2: try c.decodeIfPresent(Float.self, forKey: .beta2) ?? 0.999,
                  epsilon: try c.decodeIfPresent(Float.self, forKey: .epsilon),
                  momentum: try c.decodeIfPresent(Float.self, forKey: .momentum),
                  nesterov: try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? false,
                  decay: try c.decodeIfPresent(Float.self, forKey: .decay) ?? 0.9,
                  initialAccumulator: try c.decodeIfPresent(Float.self, forKey: .initialAccumulator) ?? 0.1)
    }
}
