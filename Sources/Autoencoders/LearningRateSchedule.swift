import Foundation

/// How the learning rate changes during a run: a multiplier on the optimizer's `learningRate`,
/// a pure function of the global step, so a resumed run continues on the same curve.
///
/// The horizon is the recipe's `epochs` times the steps in an epoch (`ceil(rows / batchSize)`).
/// Resuming with more epochs than the recipe had stretches the curve from that point on.
///
/// ```swift
/// let cosine = LearningRateSchedule.cosine(final: 0.01)
/// cosine.multiplier(step: 0, stepsPerEpoch: 469, epochs: 30)        // 1
/// cosine.multiplier(step: 469 * 30, stepsPerEpoch: 469, epochs: 30)  // 0.01
/// ```
///
/// JSON: `{"kind": "constant"}`, `{"kind": "cosine", "final": 0.01}`,
/// `{"kind": "step", "everyEpochs": 10, "factor": 0.5}`.
public enum LearningRateSchedule: Equatable, Sendable {
    /// The optimizer's learning rate throughout.
    case constant
    /// Half a cosine from 1 down to `final` (a fraction of the base rate, in [0, 1]) over the run,
    /// then `final` for any steps past the horizon.
    case cosine(final: Float)
    /// Multiplied by `factor` (in (0, 1]) after every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Float)

    /// The factor the base learning rate is multiplied by for the update after `step` updates.
    public func multiplier(step: Int, stepsPerEpoch: Int, epochs: Int) -> Float {
        switch self {
        case .constant:
            return 1
        case .cosine(let final):
            let horizon = Swift.max(stepsPerEpoch * epochs, 1)
            let t = Swift.min(Double(step) / Double(horizon), 1)
            let f = Double(final)
            return Float(f + (1 - f) * 0.5 * (1 + cos(Double.pi * t)))
        case .step(let every, let factor):
            let drops = step / Swift.max(every * stepsPerEpoch, 1)
            return Float(pow(Double(factor), Double(drops)))
        }
    }

    /// Throws `AutoencoderError.invalidSpec` naming the bad value.
    public func validate() throws {
        switch self {
        case .constant: break
        case .cosine(let final):
            guard final >= 0, final <= 1 else { throw AutoencoderError.invalidSpec("schedule cosine: final must be in [0, 1], got \(final)") }
        case .step(let every, let factor):
            guard every >= 1 else { throw AutoencoderError.invalidSpec("schedule step: everyEpochs must be >= 1, got \(every)") }
            guard factor > 0, factor <= 1 else { throw AutoencoderError.invalidSpec("schedule step: factor must be in (0, 1], got \(factor)") }
        }
    }
}

extension LearningRateSchedule: Codable {
    enum CodingKeys: String, CodingKey { case kind, final, everyEpochs, factor }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "constant": self = .constant
        case "cosine": self = .cosine(final: try c.decodeIfPresent(Float.self, forKey: .final) ?? 0)
        case "step": self = .step(everyEpochs: try c.decode(Int.self, forKey: .everyEpochs), factor: try c.decode(Float.self, forKey: .factor))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c,
                debugDescription: "unknown learning-rate schedule '\(other)' (expected constant, cosine or step)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant: try c.encode("constant", forKey: .kind)
        case .cosine(let final): try c.encode("cosine", forKey: .kind); try c.encode(final, forKey: .final)
        case .step(let every, let factor):
            try c.encode("step", forKey: .kind); try c.encode(every, forKey: .everyEpochs); try c.encode(factor, forKey: .factor)
        }
    }
}
