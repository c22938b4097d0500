import Linalg

/// How local each unit's input weights are, on a square image: the number the zoo reports next to
/// the weight pictures, so "stroke- and part-like features" is measured, not only looked at.
///
/// Two per-unit statistics of the weights `w` (one tile of the weight grid), summarised by the median
/// over units:
/// - **window energy**: the largest share of `sum(w^2)` that any `window x window` square of the image
///   holds (window = side / 4, rounded, at least 2: 7 on 28x28). Uniform noise holds
///   `window^2 / side^2` (6.25% on 28x28); a feature confined to one square holds 1.
/// - **effective pixels**: `(sum |w|)^2 / sum(w^2)`, the number of equal-magnitude pixels that would
///   give the same ratio: `side^2` for equal magnitudes everywhere, `2 side^2 / pi` (499 on 28x28) for
///   Gaussian noise, 1 for a single pixel.
///
/// Raw weights are measured, as the pictures show them: weights on pixels that never light up
/// count, since a reader sees them.
///
/// ```swift
/// let kernel = try model.weights(layer: 0)                       // inputs x units
/// let m = FeatureLocality(unitsByInputs: kernel.transposed, side: 28)
/// print(m.medianWindowEnergy, m.medianEffectivePixels)
/// ```
public struct FeatureLocality: Codable, Equatable, Sendable {
    /// Side of the square window.
    public var window: Int
    public var medianWindowEnergy: Double
    public var medianEffectivePixels: Double
    /// Per unit, in the order given.
    public var windowEnergy: [Double]
    public var effectivePixels: [Double]

    /// The window side used for images of `side x side`.
    public static func windowSide(forImageSide side: Int) -> Int { Swift.max(2, Int((Double(side) / 4).rounded())) }

    /// `units` is `units x side^2`: one row of input weights per unit, row-major pixels.
    public init(unitsByInputs units: Matrix, side: Int) {
        precondition(units.cols == side * side, "FeatureLocality: \(units.cols) weights per unit is not \(side)x\(side)")
        let k = Self.windowSide(forImageSide: side)
        window = k
        windowEnergy = []; effectivePixels = []
        // Integral image of w^2, (side+1) x (side+1), reused per unit.
        var integral = [Double](repeating: 0, count: (side + 1) * (side + 1))
        for u in 0..<units.rows {
            var absSum = 0.0, sqSum = 0.0
            for y in 0..<side {
                var rowSum = 0.0
                for x in 0..<side {
                    let w = Double(units[u, y * side + x])
                    absSum += Swift.abs(w); sqSum += w * w
                    rowSum += w * w
                    integral[(y + 1) * (side + 1) + x + 1] = integral[y * (side + 1) + x + 1] + rowSum
                }
            }
            var best = 0.0
            for y in 0...(side - k) {
                for x in 0...(side - k) {
                    let s = integral[(y + k) * (side + 1) + x + k] - integral[y * (side + 1) + x + k]
                        - integral[(y + k) * (side + 1) + x] + integral[y * (side + 1) + x]
                    best = Swift.max(best, s)
                }
            }
            windowEnergy.append(sqSum > 0 ? Swift.min(best / sqSum, 1) : 0)
            effectivePixels.append(sqSum > 0 ? absSum * absSum / sqSum : 0)
        }
        medianWindowEnergy = Self.median(windowEnergy)
        medianEffectivePixels = Self.median(effectivePixels)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
}
