import HDF5

/// An attribute stored with written codes (HDF5 only): strings, integers, doubles or arrays of them.
public typealias AttributeValue = H5AttributeValue

/// Choices for `Dataset.create`.
public struct WriteOptions: Sendable {
    /// nil infers the format from the extension (`.h5`/`.hdf5`, `.npy`, `.csv`).
    public var format: DataFormat?
    /// HDF5: the name of the rows dataset (`codes` by default).
    public var datasetName: String
    /// HDF5: attributes stored on the rows dataset, in order, e.g. `("model_id", .string("sparse-64"))`,
    /// `("checkpoint_sha256", .string(hex))`, `("normalization", .string(json))`.
    public var attributes: [(String, AttributeValue)]
    /// HDF5: deflate level 0-9 (0 disables compression).
    public var compressionLevel: Int
    /// HDF5: rows per chunk; nil picks about 256 KiB per chunk.
    public var chunkRows: Int?
    /// CSV: column names are `<prefix>0`, `<prefix>1`, ... (the label column is `label`).
    public var csvColumnPrefix: String

    public init(format: DataFormat? = nil, datasetName: String = "codes", attributes: [(String, AttributeValue)] = [],
                compressionLevel: Int = 4, chunkRows: Int? = nil, csvColumnPrefix: String = "c") {
        self.format = format
        self.datasetName = datasetName
        self.attributes = attributes
        self.compressionLevel = compressionLevel
        self.chunkRows = chunkRows
        self.csvColumnPrefix = csvColumnPrefix
    }
}
