import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replace-by-rename with the fsyncs that make it durable: a reader sees either the old file or
/// the complete new one, even if the process is killed or the machine loses power mid-write.
/// Every module that replaces a file (checkpoints, exports, zoo archives) writes through it.
package enum AtomicFile {
    /// A hidden temporary path in the same directory (rename is only atomic within one file system).
    static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(random)").path
    }

    /// True for names `temporaryPath(for:)` produces for `finalName`.
    static func isTemporary(_ name: String, for finalName: String) -> Bool {
        name.hasPrefix(".\(finalName).tmp-")
    }

    /// Writes `body(temporaryPath)`, fsyncs it, renames it over `path`, fsyncs the directory.
    /// On any failure the temporary file is removed and `path` is untouched.
    package static func write(to path: String, _ body: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        do {
            try body(temporary)
            try fsyncFile(temporary)
            guard rename(temporary, path) == 0 else { throw posixError(path, "rename \(temporary) to it") }
            try fsyncDirectory(of: path)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Atomically replaces `path` with `text`.
    static func write(text: String, to path: String) throws {
        try write(to: path) { temporary in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw posixError(temporary, "create") }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw posixError(temporary, "write") }
                written += n
            }
        }
    }

    static func fsyncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw posixError(path, "open for fsync") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError(path, "fsync") }
    }

    static func fsyncDirectory(of path: String) throws {
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let fd = open(dir, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw posixError(dir, "open directory for fsync") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw posixError(dir, "fsync directory") }
    }

    static func posixError(_ file: String, _ operation: String) -> CheckpointError {
        .io(file: file, operation: operation, reason: String(cString: strerror(errno)))
    }
}
