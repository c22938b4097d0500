import Linalg

/// Pairs a reader of rows with a reader of labels (a separate IDX or NPY file), chunk by chunk.
final class ZippedLabelsReader: DatasetReader {
    private let data: any DatasetReader
    private let labels: any LabelReader

    init(data: any DatasetReader, labels: any LabelReader) throws {
        if let n = data.rowCount, n != labels.count {
            throw DatasetError.shapeMismatch(path: labels.path, reason: "has \(labels.count) labels but \(data.path) has \(n) rows")
        }
        self.data = data
        self.labels = labels
    }

    var path: String { data.path }
    var featureCount: Int { data.featureCount }
    var rowCount: Int? { data.rowCount }
    var hasLabels: Bool { true }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        guard var chunk = try data.nextChunk(maxRows: maxRows) else { return nil }
        chunk.labels = try labels.next(chunk.rows)
        return chunk
    }

    func skip(rows: Int) throws {
        try data.skip(rows: rows)
        try labels.skip(rows)
    }
}

/// A forward-only stream of integer labels.
protocol LabelReader: AnyObject {
    var path: String { get }
    var count: Int { get }
    func next(_ n: Int) throws -> [Int]
    func skip(_ n: Int) throws
}
