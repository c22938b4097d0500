import Foundation

/// A seeded random source (xoshiro256**) whose whole state can be saved and restored.
///
/// The stream is fully determined by the seed: the same seed gives the same numbers on every
/// run on every machine. `state` captures everything, including a pending normal deviate, so a
/// checkpoint that stores it lets a resumed run draw exactly the numbers an uninterrupted run
/// would have drawn.
///
/// ```swift
/// var rng = RandomSource(seed: 42)
/// let u = rng.nextUniform()          // [0, 1)
/// let z = rng.nextNormal()           // N(0, 1)
/// let saved = rng.state              // ... later: RandomSource(state: saved)
/// ```
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable {
    /// The complete, serializable state of a `RandomSource`.
    public struct State: Codable, Equatable, Sendable {
        public var words: [UInt64]
        /// The second Box-Muller deviate, kept for the next `nextNormal()` call.
        public var spareNormal: Double?
        public init(words: [UInt64], spareNormal: Double?) { self.words = words; self.spareNormal = spareNormal }
    }

    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spare: Double?

    /// Seeds the generator by expanding `seed` with SplitMix64, as the xoshiro authors recommend.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spare = nil
    }

    /// Restores a generator saved with `state`. Returns nil for a malformed state.
    public init?(state: State) {
        guard state.words.count == 4, state.words.contains(where: { $0 != 0 }) else { return nil }
        s0 = state.words[0]; s1 = state.words[1]; s2 = state.words[2]; s3 = state.words[3]
        spare = state.spareNormal
    }

    public var state: State { State(words: [s0, s1, s2, s3], spareNormal: spare) }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = RandomSource.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = RandomSource.rotl(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform Double in [low, high).
    public mutating func nextUniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * nextUniform() }

    /// A standard normal deviate (Box-Muller; the second deviate is kept for the next call).
    public mutating func nextNormal() -> Double {
        if let s = spare { spare = nil; return s }
        var u1 = nextUniform()
        while u1 <= Double.leastNormalMagnitude { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        let theta = 2 * Double.pi * u2
        spare = r * Foundation.sin(theta)
        return r * Foundation.cos(theta)
    }

    /// An integer uniformly in 0..<upperBound, without modulo bias.
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// Fills `buffer` with N(mean, std^2) samples.
    public mutating func fillNormal(_ buffer: inout [Float], mean: Float = 0, std: Float = 1) {
        for i in buffer.indices { buffer[i] = mean + std * Float(nextNormal()) }
    }

    /// Fills `buffer` with U[low, high) samples.
    public mutating func fillUniform(_ buffer: inout [Float], low: Float, high: Float) {
        for i in buffer.indices { buffer[i] = Float(nextUniform(Double(low), Double(high))) }
    }

    /// A Fisher-Yates shuffle of 0..<n, drawn from this source.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) } }
        return p
    }
}
