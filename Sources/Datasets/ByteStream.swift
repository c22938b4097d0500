import CZlib
import Foundation

/// A sequential reader over a file that may be gzip-compressed. zlib's `gz*` functions read plain
/// files transparently, so every streaming reader (IDX, NPY, CSV) gets `.gz` support for free.
///
/// Reads are buffered by zlib; `skip` seeks forward (a real seek on a plain file, decompress-and-
/// discard on a gzip file). A stream that ends early or fails to inflate becomes a `DatasetError`
/// naming the file.
final class ByteStream {
    let path: String
    /// Bytes on disk (compressed size for gzip files).
    let fileSize: Int
    /// True when the file is gzip-compressed.
    let isCompressed: Bool
    /// Offset in the uncompressed byte stream.
    private(set) var position: Int = 0
    private var gz: gzFile?

    init(path: String) throws {
        self.path = path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DatasetError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw DatasetError.cannotOpen(path: path, reason: "not a regular file")
        }
        fileSize = Int(info.st_size)
        guard let handle = gzopen(path, "rb") else {
            throw DatasetError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        gzbuffer(handle, 1 << 17)
        gz = handle
        isCompressed = gzdirect(handle) == 0
    }

    deinit { if let gz { gzclose(gz) } }

    /// Fills as much of `buffer` as the file allows; returns the bytes read (fewer only at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let gz, let base = buffer.baseAddress else { return 0 }
        var total = 0
        while total < buffer.count {
            let want = UInt32(min(buffer.count - total, 1 << 30))
            let n = gzread(gz, base + total, want)
            if n < 0 { throw corruption() }
            if n == 0 { break }
            total += Int(n)
        }
        position += total
        if total < buffer.count {
            // A gzip stream cut short reads as a short read; zlib records it as Z_BUF_ERROR.
            var err: Int32 = 0
            _ = gzerror(gz, &err)
            if err != Z_OK && err != Z_STREAM_END { throw corruption() }
        }
        return total
    }

    /// Reads exactly `count` bytes into `buffer` or throws `truncated` (the whole request counts as
    /// `expected`, what was there as `got`).
    func readExactly(into buffer: UnsafeMutableRawBufferPointer) throws {
        let got = try read(into: buffer)
        if got < buffer.count {
            throw DatasetError.truncated(path: path, expectedBytes: buffer.count, gotBytes: got)
        }
    }

    /// Reads exactly `count` bytes as an array.
    func readBytes(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try readExactly(into: $0) }
        return bytes
    }

    /// Moves forward `count` bytes without returning them.
    func skip(_ count: Int) throws {
        guard count > 0, let gz else { return }
        if !isCompressed {
            // A plain file can be seeked past its end silently; check against the size instead.
            guard position + count <= fileSize else {
                throw DatasetError.truncated(path: path, expectedBytes: position + count, gotBytes: fileSize)
            }
        }
        let target = position + count
        let result = gzseek(gz, off_t(target), SEEK_SET)
        if result < 0 { throw corruption() }
        if Int(result) != target {
            throw DatasetError.truncated(path: path, expectedBytes: target, gotBytes: Int(result))
        }
        position = target
        if isCompressed {
            // gzseek on a compressed stream is lazy; read nothing to surface an early end now.
            var err: Int32 = 0
            _ = gzerror(gz, &err)
            if err != Z_OK && err != Z_STREAM_END { throw corruption() }
        }
    }

    private func corruption() -> DatasetError {
        var err: Int32 = 0
        let message = gz.flatMap { gzerror($0, &err) }.map { String(cString: $0) } ?? "read failed"
        if err == Z_BUF_ERROR {
            return .badFormat(path: path, reason: "truncated gzip stream (\(message))")
        }
        return .badFormat(path: path, reason: "corrupt gzip stream (\(message))")
    }
}
