import Crypto
import Linalg

/// SHA-256 over all variables in a fixed, documented byte layout (docs/FORMAT.md
/// "variables_sha256"): for each variable in index order, its UTF-8 name, NUL, its dtype name,
/// NUL, its shape as comma-separated decimals, NUL, then its elements little-endian.
/// It catches corruption Fletcher-32 cannot (rank-0 datasets are unfiltered) and any mix-up
/// between names and values.
enum VariableDigest {
    static func hex(of variables: VariableStore) -> String {
        var hasher = SHA256()
        for (name, tensor) in variables { update(&hasher, name: name, tensor: tensor) }
        return hex(hasher.finalize())
    }

    /// The digest of one variable: the same bytes it contributes to `hex(of:)`.
    static func hex(name: String, tensor: Tensor) -> String {
        var hasher = SHA256()
        update(&hasher, name: name, tensor: tensor)
        return hex(hasher.finalize())
    }

    /// Lowercase hex, two digits per byte.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(2 * SHA256.byteCount)
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func update(_ hasher: inout SHA256, name: String, tensor: Tensor) {
        hasher.update(data: Array(name.utf8) + [0] + Array(tensor.dtype.rawValue.utf8) + [0]
                      + Array(tensor.shape.map(String.init).joined(separator: ",").utf8) + [0])
        updateElements(&hasher, tensor)
    }

    /// Elements only, little-endian as stored (also the per-variable checksum `inspect` prints).
    static func updateElements(_ hasher: inout SHA256, _ tensor: Tensor) {
        #if _endian(little)
        if tensor.dtype == .float32 { tensor.floats.withUnsafeBytes { hasher.update(bufferPointer: $0) }; return }
        if tensor.dtype == .int64 { tensor.ints.withUnsafeBytes { hasher.update(bufferPointer: $0) }; return }
        #endif
        switch tensor.dtype {
        case .float32: tensor.floats.map { $0.bitPattern.littleEndian }.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        case .float64: tensor.floats.map { Double($0).bitPattern.littleEndian }.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        case .int32: tensor.ints.map { Int32(truncatingIfNeeded: $0).littleEndian }.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        case .int64: tensor.ints.map { $0.littleEndian }.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
    }

    static func elementsHex(_ tensor: Tensor) -> String {
        var hasher = SHA256()
        updateElements(&hasher, tensor)
        return hex(hasher.finalize())
    }
}
