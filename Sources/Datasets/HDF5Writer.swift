import HDF5
import Linalg

/// Writes rows into an HDF5 file as a chunked, deflate-compressed dataset that grows with each
/// append (`codes` by default, float32, shape `(N, featureCount)`), labels in a sibling int64
/// dataset `labels` of shape `(N,)`, and the caller's attributes on the rows dataset.
///
/// Rows are stored a chunk at a time through `H5RowAppender`: each full chunk is shuffled and
/// deflated (libdeflate) on all cores and handed to HDF5 finished; the last partial chunk is
/// stored by `finish()`.
final class HDF5Writer: DatasetWriter {
    let state: WriteState
    var path: String { state.path }
    var featureCount: Int { state.featureCount }
    var rowsWritten: Int { state.rowsWritten }
    private let file: H5File
    private let options: WriteOptions
    private var rowsDataset: H5RowAppender<Float>?
    private var labelsDataset: H5RowAppender<Int64>?
    private let chunkRows: Int

    init(path: String, featureCount: Int, options: WriteOptions) throws {
        guard (0...9).contains(options.compressionLevel) else {
            throw DatasetError.badOption(option: "--compression", reason: "deflate level must be 0-9, got \(options.compressionLevel)")
        }
        state = WriteState(path: path, featureCount: featureCount)
        do { file = try H5File.create(state.partial(for: path)) } catch let e as HDF5Error { throw HDF5Reader.wrap(e, path: path) }
        self.options = options
        // About 256 KiB per chunk: large enough to compress well, small enough to read one row cheaply.
        chunkRows = max(1, options.chunkRows ?? max(1, (256 << 10) / (featureCount * 4)))
    }

    func append(_ rows: Matrix, labels: [Int]?) throws {
        try state.admit(rows, labels: labels)
        do {
            if rowsDataset == nil { try createDatasets(labelled: labels != nil) }
            try rowsDataset!.append(rows.data)
            if let labels { try labelsDataset!.append(labels.map { Int64($0) }) }
        } catch let e as HDF5Error { throw HDF5Reader.wrap(e, path: path) }
        state.didWrite(rows.rows)
    }

    private func createDatasets(labelled: Bool) throws {
        let level = options.compressionLevel
        let storage = H5DatasetOptions(chunks: [chunkRows, featureCount], deflateLevel: level > 0 ? level : nil,
                                       shuffle: level > 0, resizable: true)
        let rows = try file.createDataset(options.datasetName, dtype: .float32, shape: [0, featureCount], options: storage)
        for (name, value) in options.attributes { try rows.setAttribute(name, value) }
        rowsDataset = try H5RowAppender(rows)
        if labelled {
            let labelStorage = H5DatasetOptions(chunks: [max(chunkRows, 4096)], deflateLevel: level > 0 ? level : nil,
                                                shuffle: level > 0, resizable: true)
            labelsDataset = try H5RowAppender(try file.createDataset("labels", dtype: .int64, shape: [0], options: labelStorage))
        }
    }

    func finish() throws {
        guard !state.finished else { return }
        do {
            if rowsDataset == nil { try createDatasets(labelled: false) }
            try rowsDataset?.finish()
            try labelsDataset?.finish()
            rowsDataset = nil
            labelsDataset = nil
            try file.close()
        } catch let e as HDF5Error { throw HDF5Reader.wrap(e, path: path) }
        try state.commit([(from: path + ".partial", to: path)])
    }
}
