import Foundation

/// Splits a `ByteStream` into lines (`\n` or `\r\n`), reusing one buffer. Blank lines are skipped,
/// so a trailing newline or an empty last line never counts as a row.
final class LineReader {
    private let stream: ByteStream
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// 1-based number of the line last returned, for error messages.
    private(set) var lineNumber = 0
    /// A line longer than this is an error, not an allocation.
    static let maxLineLength = 64 << 20

    init(stream: ByteStream, blockSize: Int = 1 << 18) {
        self.stream = stream
        buffer = [UInt8](repeating: 0, count: blockSize)
    }

    var path: String { stream.path }

    /// Calls `body` with the next non-blank line (without its terminator), or returns false at the end.
    /// The pointer is valid only inside `body`; the line is followed by a NUL byte so C parsers can run on it.
    func next<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) throws -> R? {
        while true {
            guard let (lineStart, lineEnd) = try nextRange() else { return nil }
            lineNumber += 1
            var e = lineEnd
            if e > lineStart, buffer[e - 1] == UInt8(ascii: "\r") { e -= 1 }
            if e == lineStart { continue }
            // The terminator slot (the '\n' or one spare byte at EOF) becomes the NUL.
            buffer[e] = 0
            return try buffer.withUnsafeMutableBufferPointer { p in
                try body(UnsafeMutableBufferPointer(rebasing: p[lineStart..<e]))
            }
        }
    }

    /// The byte range of the next line in `buffer`; guarantees `buffer[end]` exists.
    private func nextRange() throws -> (Int, Int)? {
        var scanFrom = start
        while true {
            if let nl = buffer.withUnsafeBufferPointer({ p -> Int? in
                guard end > scanFrom, let hit = memchr(p.baseAddress! + scanFrom, 0x0A, end - scanFrom) else { return nil }
                return p.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }) {
                let range = (start, nl)
                start = nl + 1
                return range
            }
            if atEOF {
                guard start < end else { return nil }
                let range = (start, end)
                start = end
                return range
            }
            // Move the partial line to the front and fill the rest; grow if one line fills the block.
            scanFrom = end - start
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
            if end >= buffer.count - 1 {
                guard buffer.count < Self.maxLineLength else {
                    throw DatasetError.badFormat(path: stream.path, reason: "line \(lineNumber + 1) is longer than \(Self.maxLineLength) bytes")
                }
                buffer += [UInt8](repeating: 0, count: buffer.count)
            }
            let got = try buffer.withUnsafeMutableBytes { p in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: p[end..<(p.count - 1)]))
            }
            if got == 0 { atEOF = true }
            end += got
        }
    }
}
