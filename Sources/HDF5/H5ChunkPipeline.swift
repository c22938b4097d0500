import CHDF5
import CZlib
import Dispatch

/// HDF5's shuffle -> deflate -> Fletcher-32 filter pipeline, run by us instead of by the library
/// so chunks are (de)compressed on all cores; the library then only moves raw chunk bytes
/// (`H5Dwrite_chunk` / `H5Dread_chunk`). The bytes are exactly what HDF5's own filters produce
/// (same zlib call, same checksum), so h5py and h5dump read these files unchanged; tests compare
/// against chunks written by the library itself.
struct H5ChunkPipeline: Sendable, Equatable {
    var elementSize: Int
    var shuffle: Bool
    var deflateLevel: Int32?
    var fletcher32: Bool

    /// The pipeline of a dataset, if it is one we can run: any subset of shuffle, deflate and
    /// Fletcher-32, in that order, and nothing else.
    init?(options: H5DatasetOptions, filterOrder: [H5Z_filter_t], elementSize: Int) {
        let known: [H5Z_filter_t] = [H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE, H5Z_FILTER_FLETCHER32]
        guard filterOrder.allSatisfy(known.contains), filterOrder == known.filter(filterOrder.contains) else { return nil }
        self.elementSize = elementSize
        shuffle = options.shuffle
        deflateLevel = options.deflateLevel.map(Int32.init)
        fletcher32 = options.fletcher32
    }

    /// The stored form of one chunk.
    func encode(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var bytes = shuffle ? Self.shuffled(raw, elementSize: elementSize) : Array(raw)
        if let level = deflateLevel {
            var length = compressBound(uLong(bytes.count))
            var out = [UInt8](repeating: 0, count: Int(length) + 4)
            let status = out.withUnsafeMutableBufferPointer { o in
                bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &length, i.baseAddress, uLong(i.count), level) }
            }
            precondition(status == Z_OK, "compress2 cannot fail with a compressBound buffer")
            out.removeLast(out.count - Int(length))
            bytes = out
        }
        if fletcher32 {
            let sum = Self.fletcher32(bytes)
            bytes += [UInt8(sum & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 24)]
        }
        return bytes
    }

    enum DecodeError: Error { case checksum, inflate(Int32), size(Int) }

    /// Decodes a stored chunk into `out` (exactly the chunk's uncompressed size).
    func decode(_ stored: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws {
        var payload = stored
        if fletcher32 {
            guard stored.count >= 4 else { throw DecodeError.checksum }
            payload = UnsafeRawBufferPointer(rebasing: stored[0..<(stored.count - 4)])
            let recorded = UInt32(stored[stored.count - 4]) | UInt32(stored[stored.count - 3]) << 8
                | UInt32(stored[stored.count - 2]) << 16 | UInt32(stored[stored.count - 1]) << 24
            let sum = Self.fletcher32(payload)
            // HDF5 also accepts the byte-swapped sum written by releases before 1.6.3.
            let legacy = (sum & 0x00FF_00FF) << 8 | (sum & 0xFF00_FF00) >> 8
            guard recorded == sum || recorded == legacy else { throw DecodeError.checksum }
        }
        let target = shuffle ? UnsafeMutableRawBufferPointer.allocate(byteCount: out.count, alignment: 16) : out
        defer { if shuffle { target.deallocate() } }
        if deflateLevel != nil {
            var length = uLongf(target.count)
            let status = uncompress(target.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                    payload.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(payload.count))
            guard status == Z_OK else { throw DecodeError.inflate(status) }
            guard Int(length) == target.count else { throw DecodeError.size(Int(length)) }
        } else {
            guard payload.count == target.count else { throw DecodeError.size(payload.count) }
            if let base = payload.baseAddress { target.baseAddress?.copyMemory(from: base, byteCount: payload.count) }
        }
        if shuffle { Self.unshuffle(UnsafeRawBufferPointer(target), into: out, elementSize: elementSize) }
    }

    /// Byte-transposes elements: all first bytes, then all second bytes, ... (HDF5's shuffle).
    static func shuffled(_ raw: UnsafeRawBufferPointer, elementSize: Int) -> [UInt8] {
        let n = raw.count / elementSize
        var out = [UInt8](repeating: 0, count: raw.count)
        guard let src = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return out }
        out.withUnsafeMutableBufferPointer { o in
            let dst = o.baseAddress!
            for i in 0..<n {
                let element = src + i * elementSize
                for b in 0..<elementSize { dst[b * n + i] = element[b] }
            }
            // Bytes beyond whole elements are copied as they are.
            for i in (n * elementSize)..<raw.count { dst[i] = src[i] }
        }
        return out
    }

    static func unshuffle(_ shuffled: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, elementSize: Int) {
        let n = shuffled.count / elementSize
        guard let src = shuffled.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = out.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        for i in 0..<n {
            let element = dst + i * elementSize
            for b in 0..<elementSize { element[b] = src[b * n + i] }
        }
        for i in (n * elementSize)..<shuffled.count { dst[i] = src[i] }
    }

    /// HDF5's Fletcher-32 (H5_checksum_fletcher32): big-endian 16-bit words, folded every 360.
    static func fletcher32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { fletcher32($0) } }

    static func fletcher32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var p = base
        var words = bytes.count / 2
        while words > 0 {
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 &+= UInt32(p[0]) << 8 | UInt32(p[1])
                sum2 &+= sum1
                p += 2
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        if bytes.count % 2 == 1 {
            sum1 &+= UInt32(p[0]) << 8
            sum2 &+= sum1
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
        sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }
}

/// Lets concurrent chunk workers share buffers whose regions do not overlap.
struct UncheckedSendable<T>: @unchecked Sendable { var value: T }
