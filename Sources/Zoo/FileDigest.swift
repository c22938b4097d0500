import Crypto
import Foundation

/// SHA-256 and size of a file, read in bounded chunks (a checkpoint can be tens of megabytes).
public struct FileDigest: Equatable, Sendable {
    public var sha256: String
    public var bytes: Int

    public init(sha256: String, bytes: Int) { self.sha256 = sha256; self.bytes = bytes }

    /// Hashes bytes in memory.
    public init(bytes: [UInt8]) {
        sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        self.bytes = bytes.count
    }

    /// Hashes the file at `path`.
    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += chunk.count
        }
        self.sha256 = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        self.bytes = total
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
