/// One of `count` contiguous, near-equal slices of a dataset's rows, so `count` machines can split
/// one job. The slices are disjoint, in order, and concatenate to the whole.
///
/// Slices are cut on `blockRows` boundaries: with `b = ceil(total / blockRows)` blocks, shard
/// `index` (0-based) covers blocks `[b*index/count, b*(index+1)/count)`. The encoder works in
/// blocks of the same size counted from a shard's first row, and a block's arithmetic depends only
/// on its own rows, so every row gets bit for bit the code an unsharded run gives it (OpenBLAS's
/// result for a row can otherwise change in the last bit with the rows beside it). A job smaller
/// than `count` blocks leaves some shards empty.
///
/// ```swift
/// let shard = try Shard(parsing: "2/4")     // the third quarter
/// shard.rows(ofTotal: 60_000)              // 30208..<45056 (blocks 59..<88)
/// ```
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Rows per block; equal to `Autoencoder.inferenceChunk` (a CLI test checks the two agree).
    public static let blockRows = 512

    /// A shard; `index` must lie in `0..<count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw DatasetError.badOption(option: "--shard", reason: "shard count must be at least 1, got \(count)") }
        guard (0..<count).contains(index) else {
            throw DatasetError.badOption(option: "--shard", reason: "shard index must be in 0..<\(count) (0-based), got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `i/N`, as typed on the command line (`--shard 0/4` ... `--shard 3/4`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingSpaces), let n = Int(parts[1].trimmingSpaces) else {
            throw DatasetError.badOption(option: "--shard", reason: "expected i/N (e.g. 0/4), got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    /// The rows of a `total`-row dataset this shard covers.
    public func rows(ofTotal total: Int) -> Range<Int> {
        let blocks = total / Self.blockRows + (total % Self.blockRows == 0 ? 0 : 1)
        // Multiply before dividing so slice sizes differ by at most one block; use full width
        // arithmetic so no dataset size can overflow.
        func boundary(_ k: Int) -> Int {
            let (high, low) = blocks.multipliedFullWidth(by: k)
            let block = Int(truncatingIfNeeded: count.dividingFullWidth((high, low)).quotient)
            return Swift.min(total, block * Self.blockRows)
        }
        return boundary(index)..<boundary(index + 1)
    }

    public var description: String { "\(index)/\(count)" }
}

private extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
