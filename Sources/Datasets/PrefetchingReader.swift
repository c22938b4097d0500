import Dispatch
import Linalg

/// Reads the next chunk of another reader on a background thread while the caller works on the
/// current one: decompressing and decoding input overlaps with encoding it.
///
/// ```swift
/// let reader = PrefetchingReader(try Dataset.open("train-images-idx3-ubyte.gz"))
/// while let chunk = try reader.nextChunk(maxRows: 4096) {   // ready, or nearly: read meanwhile
///     try writer.append(encoder.encode(chunk.images), labels: chunk.labels)
/// }
/// ```
///
/// It delivers exactly the chunks, labels and errors of the reader it wraps, in order: each
/// prefetch asks for as many rows as the call before it did; a call that wants fewer gets the
/// first rows and the rest wait for the next call, a call that wants more gets the rest read then. An error met while prefetching is thrown by
/// the call that would have returned those rows. The wrapped reader is used only from the
/// background thread (readers are not thread-safe), one call at a time. Memory: at most one
/// chunk read ahead.
public final class PrefetchingReader: DatasetReader {
    public let path: String
    public let featureCount: Int
    public let rowCount: Int?
    public let hasLabels: Bool

    /// The wrapped reader; touched only on `queue`.
    private let base: Confined<any DatasetReader>
    private let queue = DispatchQueue(label: "aezoo.datasets.prefetch")
    /// The chunk being read ahead, if any.
    private var ahead: Pending?
    /// Rows already read but not yet delivered (a call asked for fewer than were read ahead).
    private var leftover: LabeledData?
    private var finished = false

    public init(_ base: any DatasetReader) {
        path = base.path
        featureCount = base.featureCount
        rowCount = base.rowCount
        hasLabels = base.hasLabels
        self.base = Confined(base)
    }

    public func nextChunk(maxRows: Int) throws -> LabeledData? {
        let want = Swift.max(maxRows, 1)
        var chunk: LabeledData?
        if let rows = leftover {
            chunk = rows
            leftover = nil
        } else if let pending = ahead {
            ahead = nil
            chunk = try pending.wait()
        } else if !finished {
            chunk = try read(maxRows: want)
        }
        guard var full = chunk else {
            finished = true
            return nil
        }
        // Read ahead for a smaller request than this one: top it up, so chunks are exactly what
        // the wrapped reader would have returned (encoders cut chunks into fixed blocks).
        if full.rows < want, !finished {
            if let more = try read(maxRows: want - full.rows) {
                full = LabeledData.concatenate([full, more])
            } else {
                finished = true
            }
        }
        var delivered = full
        if full.rows > want {
            delivered = full.slice(0..<want)
            leftover = full.slice(want..<full.rows)
        }
        if leftover == nil { readAhead(maxRows: want) }
        return delivered
    }

    public func skip(rows: Int) throws {
        var remaining = rows
        if remaining > 0, let rows = leftover {
            let n = Swift.min(remaining, rows.rows)
            leftover = n < rows.rows ? rows.slice(n..<rows.rows) : nil
            remaining -= n
        }
        if remaining > 0, let pending = ahead {
            ahead = nil
            if let rows = try pending.wait() {
                let n = Swift.min(remaining, rows.rows)
                leftover = n < rows.rows ? rows.slice(n..<rows.rows) : nil
                remaining -= n
            } else {
                finished = true
            }
        }
        guard remaining > 0, !finished else { return }
        let base = self.base
        try queue.sync { try base.value.skip(rows: remaining) }
    }

    /// Reads now, on the reader's thread (after anything already queued).
    private func read(maxRows: Int) throws -> LabeledData? {
        let base = self.base
        return try queue.sync { try base.value.nextChunk(maxRows: maxRows) }
    }

    private func readAhead(maxRows: Int) {
        guard !finished else { return }
        let pending = Pending()
        let base = self.base
        queue.async { pending.finish(Result { try base.value.nextChunk(maxRows: maxRows) }) }
        ahead = pending
    }

    /// A chunk being read on the background thread.
    private final class Pending: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<LabeledData?, Error>?

        func finish(_ value: Result<LabeledData?, Error>) {
            result = value
            done.signal()
        }

        func wait() throws -> LabeledData? {
            done.wait()
            return try result!.get()
        }
    }

    /// A reader reachable only through the serial queue, which is what makes sharing it safe.
    private struct Confined<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}

extension LabeledData {
    /// Rows `range`, with their labels.
    func slice(_ range: Range<Int>) -> LabeledData {
        LabeledData(images: images.rows(range), labels: labels.map { Array($0[range]) })
    }
}
