import Linalg

/// How local each unit's input weights are, on a square image: the number the zoo reports next to
/// the weight pictures, so "stroke- and part-like features" is measured, not only looked at.
///
/// Three per-unit statistics of the weights `w` (one tile of the weight grid), summarised by the median
/// over units:
/// - **window energy**: the largest share of `sum(w^2)` that any `window x window` square of the image
///   holds (window = side / 4, rounded, at least 2: 7 on 28x28). Uniform noise holds
///   `window^2 / side^2` (6.25% on 28x28); a feature confined to one square holds 1.
/// - **effective pixels**: `(sum |w|)^2 / sum(w^2)`, the number of equal-magnitude pixels that would
///   give the same ratio: `side^2` for equal magnitudes everywhere, `2 side^2 / pi` (499 on 28x28) for
///   Gaussian noise, 1 for a single pixel.
/// - **neighbour correlation**: with the unit's mean weight removed, `sum w_a w_b` over the
///   horizontally and vertically adjacent pixel pairs, divided by `sum (w_a^2 + w_b^2) / 2` over the
///   same pairs: near 1 for smooth strokes and blobs, near 0 for noise, -1 for a checkerboard.
///   The first two alone cannot tell a stroke from a few isolated spikes in a field of noise (an
///   unregularized model's weights on pixels that are almost never lit): both look "local" to them;
///   this one tells them apart.
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
    public var medianNeighbourCorrelation: Double
    /// Per unit, in the order given.
    public var windowEnergy: [Double]
    public var effectivePixels: [Double]
    public var neighbourCorrelation: [Double]

    /// The window side used for images of `side x side`.
    public static func windowSide(forImageSide side: Int) -> Int { Swift.max(2, Int((Double(side) / 4).rounded())) }

    /// `units` is `units x side^2`: one row of input weights per unit, row-major pixels.
    public init(unitsByInputs units: Matrix, side: Int) {
        precondition(units.cols == side * side, "FeatureLocality: \(units.cols) weights per unit is not \(side)x\(side)")
        let k = Self.windowSide(forImageSide: side)
        window = k
        windowEnergy = []; effectivePixels = []; neighbourCorrelation = []
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
            neighbourCorrelation.append(Self.neighbourCorrelation(units, unit: u, side: side))
        }
        medianWindowEnergy = Self.median(windowEnergy)
        medianEffectivePixels = Self.median(effectivePixels)
        medianNeighbourCorrelation = Self.median(neighbourCorrelation)
    }

    static func neighbourCorrelation(_ units: Matrix, unit u: Int, side: Int) -> Double {
        var mean = 0.0
        for i in 0..<(side * side) { mean += Double(units[u, i]) }
        mean /= Double(side * side)
        func w(_ y: Int, _ x: Int) -> Double { Double(units[u, y * side + x]) - mean }
        var cross = 0.0, energy = 0.0
        for y in 0..<side {
            for x in 0..<side {
                let here = w(y, x)
                if x + 1 < side { let right = w(y, x + 1); cross += here * right; energy += (here * here + right * right) / 2 }
                if y + 1 < side { let below = w(y + 1, x); cross += here * below; energy += (here * here + below * below) / 2 }
            }
        }
        return energy > 0 ? cross / energy : 0
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted(), n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
}
