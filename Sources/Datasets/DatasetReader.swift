import Linalg

/// A dataset read a chunk of rows at a time, so a file of any size is processed in bounded memory.
///
/// ```swift
/// let reader = try Dataset.open("big.npy", options: ReadOptions(shard: Shard(index: 0, count: 4)))
/// while let chunk = try reader.nextChunk(maxRows: 4096) {
///     encode(chunk.images)            // chunk.labels travel alongside when the source has them
/// }
/// ```
///
/// Readers are single-use, forward-only and not thread-safe. Chunk sizes never change the data
/// delivered: reading with 1, 7 or 10,000 rows per chunk yields the same rows in the same order.
public protocol DatasetReader: AnyObject {
    /// The file being read (used in error messages).
    var path: String { get }
    /// Values per row (784 for 28x28 images).
    var featureCount: Int { get }
    /// Rows this reader will deliver in total, when known before reading (every built-in reader knows it).
    var rowCount: Int? { get }
    /// True when chunks carry labels.
    var hasLabels: Bool { get }
    /// The next at most `maxRows` rows, or nil once every row has been delivered.
    func nextChunk(maxRows: Int) throws -> LabeledData?
    /// Drops the next `rows` rows without decoding them (used to start a shard).
    func skip(rows: Int) throws
}

extension DatasetReader {
    /// Reads every remaining row into memory.
    public func readAll(chunkRows: Int = 8192) throws -> LabeledData {
        var parts: [LabeledData] = []
        while let chunk = try nextChunk(maxRows: chunkRows) { parts.append(chunk) }
        if parts.isEmpty { return LabeledData(images: Matrix(rows: 0, cols: featureCount), labels: hasLabels ? [] : nil) }
        return LabeledData.concatenate(parts)
    }
}
