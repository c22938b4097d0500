import CChunkFilters
import CHDF5
import Dispatch
import Synchronization

/// HDF5's shuffle -> deflate -> Fletcher-32 filter pipeline, run by us instead of by the library
/// so chunks are (de)compressed on all cores; the library then only moves raw chunk bytes
/// (`H5Dwrite_chunk` / `H5Dread_chunk`). Shuffle and Fletcher-32 are HDF5's exactly (C loops in
/// `CChunkFilters`); deflate is libdeflate's zlib stream (`ZlibCodec`), which any zlib inflates,
/// so h5py and h5dump read these files unchanged and we read chunks the library wrote. Tests
/// check both directions, and that corrupt chunks are refused with the reason.
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
        var bytes: [UInt8]
        if shuffle && elementSize > 1 {
            let shuffled = Self.scratch.take(bytes: raw.count)
            defer { Self.scratch.give(shuffled) }
            Self.shuffle(raw, into: shuffled, elementSize: elementSize)
            let view = UnsafeRawBufferPointer(shuffled)
            bytes = deflateLevel.map { ZlibCodec.compress(view, level: $0, planes: elementSize) } ?? Array(view)
        } else {
            bytes = deflateLevel.map { ZlibCodec.compress(raw, level: $0) } ?? Array(raw)
        }
        if fletcher32 {
            let sum = bytes.withUnsafeBytes { Self.fletcher32($0) }
            bytes += [UInt8(sum & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 24)]
        }
        return bytes
    }

    /// Why a stored chunk was refused; the dataset reading it names the file, dataset and chunk.
    enum DecodeError: Error, Equatable, CustomStringConvertible {
        /// The stored chunk's Fletcher-32 does not match its bytes.
        case fletcher32(recorded: UInt32, computed: UInt32)
        /// The chunk is too short to hold even its checksum.
        case tooShort(bytes: Int)
        /// The deflate stream was refused (see `ZlibCodec.Failure`).
        case deflate(ZlibCodec.Failure)
        /// An unfiltered (or shuffle-only) chunk has the wrong size.
        case size(expected: Int, found: Int)

        var description: String {
            func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
            switch self {
            case let .fletcher32(recorded, computed):
                return "Fletcher32 checksum mismatch (stored \(hex(recorded)), computed \(hex(computed))): the chunk is corrupt"
            case let .tooShort(bytes): return "the stored chunk is truncated (\(bytes) bytes, too short for its checksum)"
            case .deflate(.badHeader): return "the deflate (zlib) stream has an invalid header: the chunk is corrupt"
            case .deflate(.corrupt): return "the deflate stream is corrupt or truncated"
            case .deflate(.missingChecksum): return "the deflate stream is truncated before its Adler-32 checksum"
            case let .deflate(.adler32(recorded, computed)):
                return "Adler-32 checksum mismatch in the deflate stream (stored \(hex(recorded)), computed \(hex(computed))): the chunk is corrupt"
            case let .deflate(.wrongSize(expected, found)):
                return "the deflate stream inflates to \(found.map(String.init) ?? "more than \(expected)") bytes, the chunk holds \(expected)"
            case let .size(expected, found): return "the stored chunk has \(found) bytes, expected \(expected)"
            }
        }
    }

    /// Scratch space for one chunk: shuffled bytes before deflate, inflated ones before unshuffle.
    private static let scratch = ScratchPool()

    /// Decodes a stored chunk into `out` (exactly the chunk's uncompressed size).
    func decode(_ stored: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) throws(DecodeError) {
        var payload = stored
        if fletcher32 {
            guard stored.count >= 4 else { throw .tooShort(bytes: stored.count) }
            payload = UnsafeRawBufferPointer(rebasing: stored[0..<(stored.count - 4)])
            let recorded = UInt32(stored[stored.count - 4]) | UInt32(stored[stored.count - 3]) << 8
                | UInt32(stored[stored.count - 2]) << 16 | UInt32(stored[stored.count - 1]) << 24
            let sum = Self.fletcher32(payload)
            // HDF5 also accepts the byte-swapped sum written by releases before 1.6.3.
            let legacy = (sum & 0x00FF_00FF) << 8 | (sum & 0xFF00_FF00) >> 8
            guard recorded == sum || recorded == legacy else { throw .fletcher32(recorded: recorded, computed: sum) }
        }
        let unshuffles = shuffle && elementSize > 1
        let target = unshuffles ? Self.scratch.take(bytes: out.count) : out
        defer { if unshuffles { Self.scratch.give(target) } }
        if deflateLevel != nil {
            do { try ZlibCodec.decompress(payload, into: target) } catch { throw .deflate(error) }
        } else {
            guard payload.count == target.count else { throw .size(expected: target.count, found: payload.count) }
            if let base = payload.baseAddress { target.baseAddress?.copyMemory(from: base, byteCount: payload.count) }
        }
        if unshuffles { Self.unshuffle(UnsafeRawBufferPointer(target), into: out, elementSize: elementSize) }
    }

    /// Byte-transposes elements: all first bytes, then all second bytes, ... (HDF5's shuffle).
    static func shuffled(_ raw: UnsafeRawBufferPointer, elementSize: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: raw.count) { out, count in
            shuffle(raw, into: UnsafeMutableRawBufferPointer(out), elementSize: elementSize)
            count = raw.count
        }
    }

    /// `shuffled`, into `out` (of `raw.count` bytes).
    static func shuffle(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, elementSize: Int) {
        let n = raw.count / elementSize
        guard let src = raw.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = out.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        aezoo_shuffle(src, dst, n, elementSize)
        // Bytes beyond whole elements are copied as they are.
        (dst + n * elementSize).update(from: src + n * elementSize, count: raw.count - n * elementSize)
    }

    static func unshuffle(_ shuffled: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, elementSize: Int) {
        let n = shuffled.count / elementSize
        guard let src = shuffled.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = out.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        aezoo_unshuffle(src, dst, n, elementSize)
        (dst + n * elementSize).update(from: src + n * elementSize, count: shuffled.count - n * elementSize)
    }

    /// HDF5's Fletcher-32 (H5_checksum_fletcher32): big-endian 16-bit words, folded modulo 65535.
    static func fletcher32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { fletcher32($0) } }

    static func fletcher32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
        return aezoo_fletcher32(base, bytes.count)
    }
}

/// Reused chunk-sized buffers (fresh 256 KiB buffers cost a page fault per 4 KiB on every chunk).
final class ScratchPool: Sendable {
    private let idle = Mutex<[UncheckedSendable<UnsafeMutableRawBufferPointer>]>([])

    func take(bytes: Int) -> UnsafeMutableRawBufferPointer {
        if let b = idle.withLock({ $0.popLast() }) {
            if b.value.count >= bytes { return UnsafeMutableRawBufferPointer(rebasing: b.value[0..<bytes]) }
            b.value.deallocate()
        }
        return UnsafeMutableRawBufferPointer.allocate(byteCount: bytes, alignment: 64)
    }

    /// Returns a buffer from `take` (a prefix of its allocation; the base address is what is
    /// freed). The pool keeps at most eight.
    func give(_ buffer: UnsafeMutableRawBufferPointer) {
        let whole = UncheckedSendable(value: buffer)
        let dropped = idle.withLock { list -> UncheckedSendable<UnsafeMutableRawBufferPointer>? in
            list.append(whole)
            return list.count > 8 ? list.removeFirst() : nil
        }
        dropped?.value.deallocate()
    }
}

/// Lets concurrent chunk workers share buffers whose regions do not overlap.
struct UncheckedSendable<T>: @unchecked Sendable { var value: T }
