import Foundation
import Linalg

/// The entry point for reading and writing datasets in any supported format.
///
/// ```swift
/// // Stream a big file in bounded memory, one shard of four:
/// let reader = try Dataset.open("train.npy", options: ReadOptions(labelsPath: "train-labels.npy",
///                                                                 shard: try Shard(parsing: "1/4")))
/// let writer = try Dataset.create("codes.h5", featureCount: 64, options: WriteOptions(attributes: [("model_id", .string("sparse-64"))]))
/// while let chunk = try reader.nextChunk(maxRows: 4096) {
///     try writer.append(encode(chunk.images), labels: chunk.labels)
/// }
/// try writer.finish()
///
/// // Or load a small file whole:
/// let test = try Dataset.load("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
/// ```
public enum Dataset {
    /// Opens `path` for streaming. Labels come from `options.labelsPath`, or are discovered beside
    /// the data (see `ReadOptions.discoverLabels`); `options.shard` restricts the rows delivered.
    public static func open(_ path: String, options: ReadOptions = ReadOptions()) throws -> any DatasetReader {
        guard let format = options.format ?? DataFormat.infer(fromPath: path) ?? sniff(path) else {
            throw DatasetError.badFormat(path: path, reason: "cannot tell the format from the name; expected .idx/-ubyte, .csv, .npy or .h5 (optionally .gz)")
        }
        var reader: any DatasetReader
        switch format {
        case .idx: reader = try IDXReader(path: path, pixelRange: options.pixelRange)
        case .npy: reader = try NPYReader(path: path, pixelRange: options.pixelRange)
        case .csv: reader = try CSVReader(path: path, options: options)
        case .hdf5: reader = try HDF5Reader(path: path, options: options)
        }
        if let labelsPath = options.labelsPath {
            reader = try ZippedLabelsReader(data: reader, labels: try openLabels(labelsPath))
        } else if options.discoverLabels, !reader.hasLabels, format == .idx, let sibling = idxLabelsSibling(of: path) {
            reader = try ZippedLabelsReader(data: reader, labels: try IDXLabelReader(path: sibling))
        } else if options.discoverLabels, !reader.hasLabels, format == .npy, let sibling = npyLabelsSibling(of: path) {
            reader = try ZippedLabelsReader(data: reader, labels: try NPYLabelReader(path: sibling))
        }
        reader = FiniteRowsReader(base: reader)
        if let shard = options.shard {
            guard let total = reader.rowCount else {
                throw DatasetError.badOption(option: "--shard", reason: "\(path): the row count is unknown, so it cannot be split")
            }
            reader = RowWindowReader(base: reader, range: shard.rows(ofTotal: total))
        }
        return reader
    }

    /// Reads a whole dataset (or one shard of it) into memory.
    public static func load(_ path: String, options: ReadOptions = ReadOptions()) throws -> LabeledData {
        try open(path, options: options).readAll()
    }

    /// Reads a label file (IDX or NPY, one integer per row) whole.
    public static func loadLabels(_ path: String) throws -> [Int] {
        let reader = try openLabels(path)
        return try reader.next(reader.count)
    }

    static func openLabels(_ path: String) throws -> any LabelReader {
        switch DataFormat.infer(fromPath: path) ?? sniff(path) {
        case .idx: return try IDXLabelReader(path: path)
        case .npy: return try NPYLabelReader(path: path)
        default:
            throw DatasetError.badFormat(path: path, reason: "labels must be an IDX (-ubyte) or .npy file")
        }
    }

    /// The `*-labels-idx1-ubyte[.gz]` file that sits beside `*-images-idx3-ubyte[.gz]`, if it exists.
    static func idxLabelsSibling(of path: String) -> String? {
        guard path.contains("images-idx3") else { return nil }
        let base = path.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        let candidates = [base] + (base.hasSuffix(".gz") ? [String(base.dropLast(3))] : [base + ".gz"])
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The `<name>.labels.npy` file that `Dataset.create` writes beside `<name>.npy`, if it exists.
    static func npyLabelsSibling(of path: String) -> String? {
        guard path.hasSuffix(".npy"), !path.hasSuffix(".labels.npy") else { return nil }
        let sibling = String(path.dropLast(4)) + ".labels.npy"
        return FileManager.default.fileExists(atPath: sibling) ? sibling : nil
    }

    /// The format from a file's first bytes, for names that say nothing.
    static func sniff(_ path: String) -> DataFormat? {
        guard let stream = try? ByteStream(path: path), let head = try? stream.readBytes(8) else { return nil }
        if Array(head[0..<6]) == NPYHeader.magic { return .npy }
        if head == [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] { return .hdf5 }
        if head[0] == 0, head[1] == 0, [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E].contains(head[2]) { return .idx }
        return nil
    }
}
