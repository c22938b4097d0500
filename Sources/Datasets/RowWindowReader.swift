import Linalg

/// Delivers only rows `range` of another reader: how `--shard i/N` is applied to every format.
final class RowWindowReader: DatasetReader {
    private let base: any DatasetReader
    private let range: Range<Int>
    private var delivered = 0
    private var started = false

    init(base: any DatasetReader, range: Range<Int>) {
        self.base = base
        self.range = range
    }

    var path: String { base.path }
    var featureCount: Int { base.featureCount }
    var rowCount: Int? { range.count }
    var hasLabels: Bool { base.hasLabels }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        try startIfNeeded()
        let want = min(maxRows, range.count - delivered)
        guard want > 0, let chunk = try base.nextChunk(maxRows: want) else { return nil }
        delivered += chunk.rows
        return chunk
    }

    func skip(rows: Int) throws {
        try startIfNeeded()
        let n = min(rows, range.count - delivered)
        try base.skip(rows: n)
        delivered += n
    }

    private func startIfNeeded() throws {
        if !started { started = true; try base.skip(rows: range.lowerBound) }
    }
}
