import CZlib
import Foundation

/// A PNG encoder for 8-bit grey and RGB bitmaps: signature, IHDR, one zlib-compressed IDAT, IEND,
/// each chunk with zlib's CRC-32 over its type and data (PNG spec, ISO/IEC 15948).
///
/// ```swift
/// let png = PNG.encode(bitmap)            // bytes
/// try PNG.write(bitmap, to: "weights.png")
/// ```
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The PNG file bytes for `bitmap`.
    public static func encode(_ bitmap: Bitmap, compressionLevel: Int32 = 9) -> [UInt8] {
        var ihdr: [UInt8] = []
        ihdr += bigEndian(UInt32(bitmap.width))
        ihdr += bigEndian(UInt32(bitmap.height))
        ihdr += [8, bitmap.channels == .gray ? 0 : 2, 0, 0, 0]   // depth 8, colour type, deflate, filter 0, no interlace
        var out = signature
        out += chunk("IHDR", ihdr)
        out += chunk("IDAT", deflate(filteredScanlines(bitmap), level: max(0, min(9, compressionLevel))))
        out += chunk("IEND", [])
        return out
    }

    /// Encodes and writes `bitmap` to `path` (replacing it).
    public static func write(_ bitmap: Bitmap, to path: String) throws {
        do {
            try Data(encode(bitmap)).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RenderError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Each row prefixed with its filter type, chosen per row as libpng does by default: the one
    /// of None, Sub, Up, Average and Paeth whose output bytes, read as signed, have the smallest
    /// absolute sum (a cheap stand-in for "deflates best"). Weight grids come out about a quarter
    /// smaller than with "Up" on every row.
    static func filteredScanlines(_ b: Bitmap) -> [UInt8] {
        let bpp = b.channels.rawValue, stride = b.width * bpp
        var out = [UInt8](repeating: 0, count: b.height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        b.pixels.withUnsafeBufferPointer { src in
            zeros.withUnsafeBufferPointer { zero in
                for y in 0..<b.height {
                    let row = src.baseAddress! + y * stride
                    let up = y == 0 ? zero.baseAddress! : src.baseAddress! + (y - 1) * stride
                    var bestCost = Int.max
                    let o = y * (stride + 1)
                    for type: UInt8 in 0...4 {
                        var cost = 0
                        for i in 0..<stride {
                            let left = i >= bpp ? row[i - bpp] : 0, upLeft = i >= bpp ? up[i - bpp] : 0
                            let v = row[i] &- Self.predictor(type, left: left, up: up[i], upLeft: upLeft)
                            candidate[i] = v
                            cost += v < 128 ? Int(v) : 256 - Int(v)
                        }
                        if cost < bestCost {
                            bestCost = cost
                            out[o] = type
                            for i in 0..<stride { out[o + 1 + i] = candidate[i] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// PNG's five predictors (RFC 2083, 6.2-6.6): None, Sub, Up, Average, Paeth.
    @inline(__always)
    static func predictor(_ type: UInt8, left a: UInt8, up b: UInt8, upLeft c: UInt8) -> UInt8 {
        switch type {
        case 1: return a
        case 2: return b
        case 3: return UInt8((Int(a) + Int(b)) / 2)
        case 4:
            let p = Int(a) + Int(b) - Int(c)
            let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
            return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: return 0
        }
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        var crc = crc32(0, nil, 0)
        crc = typeBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, UInt32($0.count)) }
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(UInt32(crc))
    }

    static func deflate(_ data: [UInt8], level: Int32) -> [UInt8] {
        var size = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { src in compress2(dst.baseAddress, &size, src.baseAddress, uLong(data.count), level) }
        }
        // compress2 cannot fail with a compressBound-sized buffer and a valid level.
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")
        out.removeLast(out.count - Int(size))
        return out
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
}
