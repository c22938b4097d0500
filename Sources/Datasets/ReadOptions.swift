/// How stored values become model inputs.
public enum PixelRange: String, Sendable, CaseIterable {
    /// Byte-typed sources (IDX uint8, NPY `|u1`, HDF5 uint8) are divided by 255 into [0, 1];
    /// float sources and CSV text are taken as stored.
    case auto
    /// Every value is a 0...255 byte intensity and is divided by 255 (e.g. Kaggle's MNIST CSV).
    case bytes
    /// Values are taken exactly as stored, bytes included.
    case asStored
}

/// Where a CSV file keeps its label, if anywhere.
public enum CSVLabelColumn: String, Sendable, CaseIterable {
    /// The first or last column when its header names it `label`, `labels`, `class`, `target` or `y`.
    case auto
    case none
    case first
    case last
}

/// Choices for `Dataset.open`. The defaults fit the common cases: the format from the file name,
/// uint8 scaled to [0, 1], labels picked up when they sit next to the data.
public struct ReadOptions: Sendable {
    /// The file format; nil infers it from the extension (`.idx`/`-ubyte`, `.csv`, `.npy`, `.h5`/`.hdf5`, optionally `.gz`).
    public var format: DataFormat?
    public var pixelRange: PixelRange
    /// A separate label file (IDX or NPY, one integer per row). Overrides automatic discovery.
    public var labelsPath: String?
    /// Look for labels automatically: an IDX `*-labels-idx1-ubyte*` file beside `*-images-idx3-ubyte*`,
    /// `<name>.labels.npy` beside `<name>.npy`, a `labels` dataset in the same HDF5 file, a CSV column headed `label`.
    public var discoverLabels: Bool
    /// CSV: whether the first line is a header; nil detects it (a line with a non-numeric field).
    public var csvHeader: Bool?
    public var csvLabelColumn: CSVLabelColumn
    /// CSV: the field separator.
    public var csvDelimiter: UInt8
    /// HDF5: the dataset holding the rows; nil picks `images`, `data`, `codes`, `x` or the only 2+-D dataset.
    public var hdf5Dataset: String?
    /// HDF5: the dataset holding labels; nil uses `labels` when it exists and has one entry per row.
    public var hdf5LabelsDataset: String?
    /// Read only this contiguous slice of the rows.
    public var shard: Shard?

    public init(format: DataFormat? = nil, pixelRange: PixelRange = .auto, labelsPath: String? = nil,
                discoverLabels: Bool = true, csvHeader: Bool? = nil, csvLabelColumn: CSVLabelColumn = .auto,
                csvDelimiter: UInt8 = UInt8(ascii: ","), hdf5Dataset: String? = nil, hdf5LabelsDataset: String? = nil,
                shard: Shard? = nil) {
        self.format = format
        self.pixelRange = pixelRange
        self.labelsPath = labelsPath
        self.discoverLabels = discoverLabels
        self.csvHeader = csvHeader
        self.csvLabelColumn = csvLabelColumn
        self.csvDelimiter = csvDelimiter
        self.hdf5Dataset = hdf5Dataset
        self.hdf5LabelsDataset = hdf5LabelsDataset
        self.shard = shard
    }
}
