/// Looks for NaN and ±Inf in float data: the reader checks every floating variable it loads, the
/// writer every one it saves, so this runs over millions of values per checkpoint.
enum FiniteCheck {
    /// The index of the first NaN or ±Inf, or nil.
    ///
    /// One pass of integer arithmetic the compiler vectorises, then a search only in a file that
    /// has such a value (`firstIndex(where:)` alone is a scalar loop with a branch per value).
    /// NaN and infinity are the values whose exponent field is all ones; adding one exponent
    /// step to the field carries into the sign bit exactly for those, and OR collects the carries.
    static func firstNonFinite(_ values: [Float]) -> Int? {
        let carries = values.withUnsafeBufferPointer { buffer -> UInt32 in
            var carries: UInt32 = 0
            for v in buffer { carries |= (v.bitPattern & 0x7F80_0000) &+ 0x0080_0000 }
            return carries
        }
        return carries & 0x8000_0000 != 0 ? values.firstIndex { !$0.isFinite } : nil
    }
}
