/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as used by LevelDB tables and TensorFlow
/// bundles, plus TensorFlow's masking. Not zlib's CRC-32: a different polynomial.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    /// Extends `crc` (the checksum of earlier bytes, 0 to start) with `bytes`.
    static func update(_ crc: UInt32, _ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c = ~crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        }
        return ~c
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 { update(0, bytes) }
    static func checksum(_ bytes: [UInt8]) -> UInt32 { update(0, bytes[...]) }

    private static let maskDelta: UInt32 = 0xa282_ead8
    /// TensorFlow stores CRCs masked so that a CRC of data containing CRCs stays well distributed.
    static func mask(_ c: UInt32) -> UInt32 { ((c >> 15) | (c << 17)) &+ maskDelta }
    static func unmask(_ m: UInt32) -> UInt32 { let r = m &- maskDelta; return (r >> 17) | (r << 15) }
}
