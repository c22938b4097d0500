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

    /// Hashes the file at `path` (a regular file).
    ///
    /// Reads with plain `read(2)` into one reused 1 MiB buffer: hashing a 20 MB checkpoint is on
    /// the critical path of a one-image `aezoo encode`, and `FileHandle.read(upToCount:)` issued a
    /// 4 KiB read per page into fresh buffers (about 5,000 system calls and as many page faults).
    /// Not `mmap`: a file truncated while it is hashed would kill the process with SIGBUS.
    public init(path: String) throws {
        let file = try OpenFile(path: path)
        defer { file.close() }
        try self.init(file)
    }

    /// Hashes an open file from its start.
    init(_ file: OpenFile) throws {
        var hasher = SHA256()
        var total = 0
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(file.descriptor, buffer.baseAddress, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw ZooError.unreadable(path: file.path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        self.sha256 = Self.hex(hasher.finalize())
        self.bytes = total
    }

    /// A regular file opened for reading, and which file it is (device and inode).
    struct OpenFile {
        let path: String
        let descriptor: Int32
        let device: UInt64, inode: UInt64

        /// Opens without blocking (a FIFO or device in a registry would otherwise hang the
        /// process) and refuses anything but a regular file.
        init(path: String) throws {
            self.path = path
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            guard descriptor >= 0 else { throw ZooError.unreadable(path: path, reason: String(cString: strerror(errno))) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                Glibc.close(descriptor)
                throw ZooError.unreadable(path: path, reason: "not a regular file")
            }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }

        /// True if `path` names this very file now.
        func isSameFile(as path: String) -> Bool {
            var info = stat()
            return stat(path, &info) == 0 && UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
        }

        func close() { Glibc.close(descriptor) }
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
/// loading it and encoding; `value()` waits for it. The file is opened at once (so what is
/// hashed is the file `path` named then, and `isHashing` can tell), read on the thread.
public final class PendingDigest: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<FileDigest, Error>?
    private let file: FileDigest.OpenFile?

    public init(path: String) {
        do {
            let opened = try FileDigest.OpenFile(path: path)
            file = opened
            Thread.detachNewThread { [self] in
                result = Result { try FileDigest(opened) }
                opened.close()
                done.signal()
            }
        } catch {
            file = nil
            result = .failure(error)
            done.signal()
        }
    }

    /// True if the file being hashed is the one `path` names now (same device and inode), so
    /// its digest is that file's.
    public func isHashing(_ path: String) -> Bool { file?.isSameFile(as: path) ?? false }

    /// The digest (waits for the hash to finish; the result is kept for later calls).
    public func value() throws -> FileDigest {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
