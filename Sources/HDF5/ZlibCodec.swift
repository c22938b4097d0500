import CDeflate
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// zlib streams (RFC 1950: a two-byte header, raw DEFLATE, the Adler-32 of the data) made and
/// read with libdeflate, whole buffer at a time: what HDF5's deflate filter stores in a chunk.
///
/// ```swift
/// let stored = ZlibCodec.compress(bytes, level: 1)        // HDF5's and h5py's zlib inflate it
/// try ZlibCodec.decompress(stored, into: chunkBuffer)     // checks the header, size and Adler-32
/// ```
///
/// libdeflate compresses 2-3x and decompresses about 2x faster than zlib. Its output for a level
/// differs from zlib's byte for byte (both are valid DEFLATE): files stay readable by every zlib,
/// but a chunk is no longer identical to the one the HDF5 library would have written.
/// Compressors hold a few hundred KiB of tables, so they are kept in a small pool and reused
/// across calls and threads; every function is safe to call concurrently.
enum ZlibCodec {
    /// Why a stored zlib stream was refused.
    enum Failure: Error, Equatable, Sendable {
        /// The two header bytes are not a zlib header for DEFLATE without a preset dictionary.
        case badHeader
        /// The DEFLATE data is malformed or ends early.
        case corrupt
        /// The stream inflates to a different number of bytes than the chunk holds.
        case wrongSize(expected: Int, found: Int?)
        /// The stream ends before its four Adler-32 bytes.
        case missingChecksum
        /// The data inflated, but its Adler-32 differs from the one the stream records.
        case adler32(recorded: UInt32, computed: UInt32)
    }

    /// A zlib stream of `input` at `level` (0-12; HDF5's 1-9 mean what zlib's do).
    ///
    /// `planes` > 1 says the input is that many equal byte planes (HDF5's shuffle output). Planes
    /// at the front whose bytes look random go into stored blocks, and libdeflate compresses only
    /// the planes after them, as one run (a deflate stream ends with the block libdeflate marks
    /// final, so the stored blocks must come first). "Random" is an order-0 entropy of a sample
    /// of at least 7.5 bits per byte for the fast levels 0-3 (the checkpoints' level 1), 7.9 for
    /// the others: deflate could shrink such a plane by at most about 6% (1%), and spent most of
    /// its time failing to. The low mantissa bytes of float weights, optimizer slots and codes are
    /// such planes: this makes a float32 chunk 2-4x faster to compress at about the same size.
    /// (What the estimate cannot see is a long exact repeat of random bytes, e.g. duplicated
    /// rows; such data compresses less.)
    static func compress(_ input: UnsafeRawBufferPointer, level: Int32, planes: Int = 1) -> [UInt8] {
        let planeBytes = planes > 1 ? input.count / planes : 0
        let randomBits = level <= 3 ? 7.5 : 7.9
        var storedPlanes = 0
        if planeBytes >= 4096 {
            while storedPlanes < planes,
                  looksRandom(UnsafeRawBufferPointer(rebasing: input[(storedPlanes * planeBytes)..<((storedPlanes + 1) * planeBytes)]), bits: randomBits) {
                storedPlanes += 1
            }
        }
        let storedCount = storedPlanes == planes ? input.count : storedPlanes * planeBytes
        let rest = UnsafeRawBufferPointer(rebasing: input[storedCount...])
        let compressor = compressors.take(level: level)
        defer { compressors.give(compressor, level: level) }
        let storedBlocks = (storedCount + 65534) / 65535
        let bound = 2 + storedCount + 5 * storedBlocks + (rest.isEmpty && storedCount > 0 ? 0 : libdeflate_deflate_compress_bound(compressor, rest.count)) + 4
        return [UInt8](unsafeUninitializedCapacity: bound) { out, count in
            // zlib header: deflate, 32 KiB window, the level class in FLEVEL, check bits.
            out[0] = 0x78
            out[1] = level < 2 ? 0x01 : level < 6 ? 0x5E : level == 6 ? 0x9C : 0xDA
            var at = 2
            var offset = 0
            while offset < storedCount {
                let n = Swift.min(65535, storedCount - offset)
                let final = offset + n == storedCount && rest.isEmpty
                out[at] = final ? 1 : 0       // BFINAL, BTYPE 00 (stored), padding to the byte
                out[at + 1] = UInt8(n & 0xFF); out[at + 2] = UInt8(n >> 8)
                out[at + 3] = ~UInt8(n & 0xFF); out[at + 4] = ~UInt8(n >> 8)
                (out.baseAddress! + at + 5).update(from: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, count: n)
                at += 5 + n
                offset += n
            }
            if !rest.isEmpty || storedCount == 0 {
                // Stored blocks end on a byte boundary, where the compressed blocks begin.
                let n = libdeflate_deflate_compress(compressor, rest.baseAddress, rest.count, out.baseAddress! + at, bound - at - 4)
                precondition(n > 0, "libdeflate_deflate_compress failed with a bound-sized buffer")
                at += n
            }
            let adler = libdeflate_adler32(1, input.baseAddress, input.count)
            out[at] = UInt8(adler >> 24); out[at + 1] = UInt8(adler >> 16 & 0xFF)
            out[at + 2] = UInt8(adler >> 8 & 0xFF); out[at + 3] = UInt8(adler & 0xFF)
            count = at + 4
        }
    }

    /// True when a sample of `plane` has an order-0 entropy of at least `bits` per byte.
    static func looksRandom(_ plane: UnsafeRawBufferPointer, bits threshold: Double) -> Bool {
        let samples = Swift.min(plane.count, 16384)
        guard samples >= 4096, let base = plane.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let stride = plane.count / samples
        var histogram = [Int](repeating: 0, count: 256)
        histogram.withUnsafeMutableBufferPointer { h in
            for i in 0..<samples { h[Int(base[i * stride])] += 1 }
        }
        var bits = 0.0
        let total = Double(samples)
        for c in histogram where c > 0 {
            let p = Double(c) / total
            bits -= p * log2(p)
        }
        return bits >= threshold
    }

    /// Inflates the zlib stream `stored` into `out`, which it must fill exactly, and checks the
    /// header and the Adler-32. Trailing bytes after the stream are ignored, as zlib does.
    static func decompress(_ stored: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(Failure) {
        guard stored.count >= 2 else { throw .corrupt }
        let cmf = stored[0], flg = stored[1]
        // Method 8 (DEFLATE), window <= 32 KiB, header check bits, no preset dictionary.
        guard cmf & 0x0F == 8, cmf >> 4 <= 7, (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0, flg & 0x20 == 0 else { throw .badHeader }
        let decompressor = decompressors.take()
        defer { decompressors.give(decompressor) }
        var consumed = 0, produced = 0
        let body = UnsafeRawBufferPointer(rebasing: stored[2...])
        let result = libdeflate_deflate_decompress_ex(decompressor, body.baseAddress, body.count,
                                                      out.baseAddress, out.count, &consumed, &produced)
        switch result {
        case LIBDEFLATE_SUCCESS: break
        case LIBDEFLATE_INSUFFICIENT_SPACE: throw .wrongSize(expected: out.count, found: nil)
        default: throw .corrupt
        }
        guard produced == out.count else { throw .wrongSize(expected: out.count, found: produced) }
        let trailer = 2 + consumed
        guard stored.count >= trailer + 4 else { throw .missingChecksum }
        let recorded = UInt32(stored[trailer]) << 24 | UInt32(stored[trailer + 1]) << 16
            | UInt32(stored[trailer + 2]) << 8 | UInt32(stored[trailer + 3])
        let computed = libdeflate_adler32(1, out.baseAddress, out.count)
        guard recorded == computed else { throw .adler32(recorded: recorded, computed: computed) }
    }

    // MARK: Reused coders

    private static let compressors = CompressorPool()
    private static let decompressors = DecompressorPool()

    /// Idle compressors by level; a thread takes one for a call and gives it back.
    private final class CompressorPool: Sendable {
        private let idle = Mutex<[Int32: [UncheckedSendable<OpaquePointer>]]>([:])

        func take(level: Int32) -> OpaquePointer {
            if let c = idle.withLock({ $0[level]?.popLast() }) { return c.value }
            guard let c = libdeflate_alloc_compressor(level) else { fatalError("libdeflate: no memory for a level-\(level) compressor") }
            return c
        }

        func give(_ compressor: OpaquePointer, level: Int32) {
            let idle = UncheckedSendable(value: compressor)
            self.idle.withLock { $0[level, default: []].append(idle) }
        }
    }

    private final class DecompressorPool: Sendable {
        private let idle = Mutex<[UncheckedSendable<OpaquePointer>]>([])

        func take() -> OpaquePointer {
            if let d = idle.withLock({ $0.popLast() }) { return d.value }
            guard let d = libdeflate_alloc_decompressor() else { fatalError("libdeflate: no memory for a decompressor") }
            return d
        }

        func give(_ decompressor: OpaquePointer) {
            let idle = UncheckedSendable(value: decompressor)
            self.idle.withLock { $0.append(idle) }
        }
    }
}
