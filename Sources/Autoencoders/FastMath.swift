/// Branch-free float32 `exp`, `expm1` and `log1p` (on [0, 1]) built from arithmetic and bit
/// operations only, so the compiler vectorises the activation loops that call them (libm's
/// scalar calls cannot be). Accuracy is within a few ulp of libm on the ranges the activations
/// use; the finite-difference tests exercise them through every activation.
@usableFromInline
enum FastMath {
    /// e^x. Arguments are clamped to [-87, 88], where e^x is a normal float: below, the result
    /// (about 1.6e-38) is indistinguishable from the true value for every use here.
    @inlinable @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87), 88)
        // Cody-Waite reduction: x = n ln2 + r with |r| <= ln2 / 2 (Cephes expf constants).
        // Round x/ln2 to the nearest integer by adding 1.5 * 2^23: the sum's low mantissa bits are
        // that integer. Plain arithmetic and bit moves, so the loop vectorises (`rounded()` is a
        // libm call on baseline x86-64, and a trapping Int32(Float) conversion stops vectorisation).
        let shifted = x * 1.44269504088896341 + 12582912
        let n = shifted - 12582912
        var r = x - n * 0.693359375
        r -= n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * r * r + r + 1
        let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
        return y * scale
    }

    /// e^x - 1, accurate near 0 (Taylor series for |x| < 0.5, where e^x - 1 would cancel).
    @inlinable @inline(__always)
    static func expm1(_ x: Float) -> Float {
        var t: Float = 1.0 / 40320
        t = t * x + 1.0 / 5040
        t = t * x + 1.0 / 720
        t = t * x + 1.0 / 120
        t = t * x + 1.0 / 24
        t = t * x + 1.0 / 6
        t = t * x + 0.5
        let small = (t * x + 1) * x
        let large = exp(x) - 1
        return Swift.abs(x) < 0.5 ? small : large
    }

    /// log(1 + t) for t in [0, 1]: `2 atanh(s)` with `s = t / (2 + t)` in [0, 1/3], odd series to s^13.
    @inlinable @inline(__always)
    static func log1pUnit(_ t: Float) -> Float {
        let s = t / (2 + t), s2 = s * s
        var p: Float = 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        return 2 * s * p
    }
}
