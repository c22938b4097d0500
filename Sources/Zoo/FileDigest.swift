import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 and size of a file, read in bounded chunks (a checkpoint can be tens of megabytes).
public struct FileDigest: Equatable, Sendable {
    public var sha256: String
    public var bytes: Int

    public init(sha256: String, bytes: Int) { self.sha256 = sha256; self.bytes = bytes }

    /// Hashes bytes in memory.
    public init(bytes: [UInt8]) {
        sha256 = Self.hex(SHA256.hash(data: bytes))
        self.bytes = bytes.count
    }

    /// Hashes the file at `path`.
    ///
    /// Reads with plain `read(2)` into one reused 1 MiB buffer: hashing a 20 MB checkpoint is on
    /// the critical path of a one-image `aezoo encode`, and `FileHandle.read(upToCount:)` issued a
    /// 4 KiB read per page into fresh buffers (about 5,000 system calls and as many page faults).
    /// Not `mmap`: a file truncated while it is hashed would kill the process with SIGBUS.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ZooError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var hasher = SHA256()
        var total = 0
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw ZooError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        self.sha256 = Self.hex(hasher.finalize())
        self.bytes = total
    }

    /// Lowercase hex, two digits per byte.
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A file's digest computed on a background thread, so hashing a large checkpoint overlaps with
/// loading it and encoding; `value()` waits for it.
public final class PendingDigest: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<FileDigest, Error>?

    public init(path: String) {
        Thread.detachNewThread { [self] in
            result = Result { try FileDigest(path: path) }
            done.signal()
        }
    }

    /// The digest (waits for the hash to finish; the result is kept for later calls).
    public func value() throws -> FileDigest {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
