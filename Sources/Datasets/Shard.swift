/// One of `count` contiguous, near-equal slices of a dataset's rows, so `count` machines can split
/// one job. Shard `index` (0-based) covers rows `[total*index/count, total*(index+1)/count)`: the
/// slices are disjoint, in order, and concatenate to the whole.
///
/// ```swift
/// let shard = try Shard(parsing: "2/4")     // the third quarter
/// shard.rows(ofTotal: 10)                  // 5..<7
/// ```
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

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
        // Multiply before dividing so slice sizes differ by at most one; total*count cannot
        // overflow for any real dataset, but use full width arithmetic anyway.
        func boundary(_ k: Int) -> Int {
            let (high, low) = total.multipliedFullWidth(by: k)
            return Int(truncatingIfNeeded: count.dividingFullWidth((high, low)).quotient)
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
