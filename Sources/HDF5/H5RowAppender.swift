import CHDF5
import Dispatch

/// Appends rows to a resizable, chunked dataset one whole chunk at a time: the rows of each
/// complete chunk go through the dataset's filters on all cores (`H5ChunkPipeline`: shuffle,
/// libdeflate, Fletcher-32) and HDF5 only stores the finished bytes (`H5Dwrite_chunk`). Rows that
/// do not fill a chunk wait for the next `append`, and `finish()` stores the last, partial chunk.
///
/// ```swift
/// let codes = try file.createDataset("codes", dtype: .float32, shape: [0, 1000],
///                                    options: .init(chunks: [65, 1000], deflateLevel: 4, shuffle: true, resizable: true))
/// let appender = try H5RowAppender<Float>(codes)
/// try appender.append(batch)            // any number of whole rows, as often as needed
/// try appender.finish()                 // before the file is closed
/// ```
///
/// The file is what `H5Dataset.append` would write, read back identically by HDF5, h5py and
/// aezoo; only the deflate bytes differ (libdeflate's, not zlib's). Memory: one chunk of pending
/// rows plus the compressed chunks of one `append`. When the dataset's filters are not ones
/// aezoo runs, or it already ends in a partial chunk, every call goes to `H5Dataset.append`.
public final class H5RowAppender<T: H5Element> {
    public let dataset: H5Dataset
    private let plan: H5Dataset.ChunkPlan?
    private let rank: Int
    /// Rows stored in the dataset (its extent along axis 0).
    private var storedRows: Int
    /// Rows of the next chunk, waiting until the chunk is full or `finish()`.
    private var pending: [T] = []
    private let rowLength: Int

    public init(_ dataset: H5Dataset) throws {
        self.dataset = dataset
        let shape = try dataset.shape()
        rank = shape.count
        let rows = shape.first ?? 0
        storedRows = rows
        rowLength = shape.dropFirst().reduce(1, *)
        guard try dataset.maxShape().first.map({ $0 == nil }) == true else {
            throw HDF5Error.invalidArgument(path: dataset.file.path, object: dataset.name,
                                            reason: "cannot append: axis 0 is not resizable (create it with resizable: true)")
        }
        let candidate = try dataset.chunkPlan(T.self, shape: shape, growing: true)
        plan = candidate.flatMap { rows % $0.chunkRows == 0 ? $0 : nil }
    }

    /// Rows appended so far, stored or pending.
    public var rowCount: Int { storedRows + pending.count / Swift.max(rowLength, 1) }

    /// Appends whole rows (`values.count` a multiple of the row length).
    public func append(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try append($0) }
    }

    /// Appends whole rows (`values.count` a multiple of the row length).
    public func append(_ values: UnsafeBufferPointer<T>) throws {
        guard rowLength > 0, values.count % rowLength == 0 else {
            throw HDF5Error.shapeMismatch(path: dataset.file.path, object: dataset.name, expected: [-1, rowLength], found: [values.count])
        }
        guard let plan else {
            storedRows = try dataset.append(Array(values))
            return
        }
        let chunkElements = plan.chunkRows * rowLength
        var rest = values[...]
        // Complete the pending chunk first, then whole chunks straight from `values`.
        var first: [T]? = nil
        if !pending.isEmpty {
            let take = Swift.min(chunkElements - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pending.count == chunkElements { first = pending; pending = [] }
        }
        let whole = rest.count / chunkElements
        let tail = rest.dropFirst(whole * chunkElements)
        let count = (first == nil ? 0 : 1) + whole
        if count > 0 {
            var encoded = [[UInt8]](repeating: [], count: count)
            let body = UnsafeBufferPointer(rebasing: rest.prefix(whole * chunkElements))
            try (first ?? []).withUnsafeBytes { firstBytes in
                let shared = UncheckedSendable(value: (firstBytes, UnsafeRawBufferPointer(body)))
                encoded.withUnsafeMutableBufferPointer { out in
                    let target = UncheckedSendable(value: out)
                    let offset = first == nil ? 0 : 1
                    let chunkBytes = plan.chunkBytes
                    DispatchQueue.concurrentPerform(iterations: count) { k in
                        let (firstBytes, body) = shared.value
                        let source = k < offset ? firstBytes
                            : UnsafeRawBufferPointer(rebasing: body[((k - offset) * chunkBytes)..<((k - offset + 1) * chunkBytes)])
                        target.value[k] = plan.pipeline.encode(source)
                    }
                }
                try store(encoded, rows: count * plan.chunkRows, plan: plan)
            }
        }
        pending.append(contentsOf: tail)
    }

    /// Stores the pending rows as the last (partial) chunk. Call it once, before closing the file;
    /// appending afterwards falls back to HDF5's own, slower path.
    public func finish() throws {
        guard let plan, !pending.isEmpty else { return }
        let rows = pending.count / rowLength
        // HDF5 stores an edge chunk at full size; the padding past the extent is never read.
        var padded = pending
        padded.append(contentsOf: repeatElement(T(), count: plan.chunkRows * rowLength - pending.count))
        pending = []
        let encoded = padded.withUnsafeBytes { plan.pipeline.encode($0) }
        try store([encoded], rows: rows, plan: plan)
    }

    /// Grows the extent by `rows` and writes the chunks that start at the old end, in order.
    private func store(_ chunks: [[UInt8]], rows: Int, plan: H5Dataset.ChunkPlan) throws {
        let id = try dataset.liveID()
        let path = dataset.file.path
        var extent = try dataset.shape().map { hsize_t($0) }
        extent[0] = hsize_t(storedRows + rows)
        try h5Check(H5Dset_extent(id, &extent), "append \(rows) rows to \(dataset.name)", path: path)
        for (k, bytes) in chunks.enumerated() {
            var offset = [hsize_t](repeating: 0, count: rank)
            offset[0] = hsize_t(storedRows + k * plan.chunkRows)
            try bytes.withUnsafeBytes { raw in
                _ = try h5Check(H5Dwrite_chunk(id, aezoo_h5p_default(), 0, &offset, raw.count, raw.baseAddress),
                                "write chunk at row \(offset[0]) of \(dataset.name)", path: path)
            }
        }
        storedRows += rows
    }
}
