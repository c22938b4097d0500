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

    /// Each row prefixed with its filter type. Rows use "Up" (type 2: difference from the row
    /// above), which shrinks tile grids with repeated gaps; the first row uses "None".
    static func filteredScanlines(_ b: Bitmap) -> [UInt8] {
        let stride = b.width * b.channels.rawValue
        var out = [UInt8](repeating: 0, count: b.height * (stride + 1))
        b.pixels.withUnsafeBufferPointer { src in
            for y in 0..<b.height {
                let o = y * (stride + 1)
                out[o] = y == 0 ? 0 : 2
                for i in 0..<stride {
                    let above: UInt8 = y == 0 ? 0 : src[(y - 1) * stride + i]
                    out[o + 1 + i] = src[y * stride + i] &- above
                }
            }
        }
        return out
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
