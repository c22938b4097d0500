import Linalg

/// Refuses NaN and infinity in the data another reader delivers, naming the file, the row and the
/// column: a single NaN pixel would otherwise spread silently through every code, reconstruction
/// and gradient computed from it.
final class FiniteRowsReader: DatasetReader {
    private let base: any DatasetReader
    /// Rows delivered or skipped so far, so errors give the row's index in the file (or shard).
    private var position = 0

    init(base: any DatasetReader) { self.base = base }

    var path: String { base.path }
    var featureCount: Int { base.featureCount }
    var rowCount: Int? { base.rowCount }
    var hasLabels: Bool { base.hasLabels }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        guard let chunk = try base.nextChunk(maxRows: maxRows) else { return nil }
        let values = chunk.images
        if let i = values.data.firstIndex(where: { !$0.isFinite }) {
            let row = position + i / max(values.cols, 1), column = i % max(values.cols, 1)
            throw DatasetError.badFormat(path: path, reason: "row \(row) (0-based), column \(column) holds \(values.data[i]); inputs must be finite numbers")
        }
        position += chunk.rows
        return chunk
    }

    func skip(rows: Int) throws {
        try base.skip(rows: rows)
        position += rows
    }
}
