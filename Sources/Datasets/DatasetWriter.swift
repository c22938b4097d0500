import Foundation
import HDF5
import Linalg

/// A destination that rows (codes, reconstructions) are appended to a chunk at a time, so output of
/// any size is written in bounded memory.
///
/// Output goes to `<path>.partial` and is renamed to `path` by `finish()`, so an interrupted run
/// never leaves a file that looks complete; a writer dropped without `finish()` deletes its partial file.
/// Either every appended chunk has labels or none does.
public protocol DatasetWriter: AnyObject {
    /// The file that exists once `finish()` returns.
    var path: String { get }
    var featureCount: Int { get }
    var rowsWritten: Int { get }
    /// Appends `rows` (which must have `featureCount` columns) and, optionally, one label per row.
    func append(_ rows: Matrix, labels: [Int]?) throws
    /// Completes the file (patches headers, closes, renames into place).
    func finish() throws
}

extension Dataset {
    /// Creates a streaming writer for `featureCount`-column rows at `path`.
    public static func create(_ path: String, featureCount: Int, options: WriteOptions = WriteOptions()) throws -> any DatasetWriter {
        guard featureCount >= 1 else { throw DatasetError.cannotWrite(path: path, reason: "rows need at least one column") }
        guard let format = options.format ?? DataFormat.infer(fromPath: path) else {
            throw DatasetError.cannotWrite(path: path, reason: "cannot tell the format from the name; use .h5, .npy or .csv")
        }
        switch format {
        case .hdf5: return try HDF5Writer(path: path, featureCount: featureCount, options: options)
        case .npy: return try NPYWriter(path: path, featureCount: featureCount)
        case .csv: return try CSVWriter(path: path, featureCount: featureCount, columnPrefix: options.csvColumnPrefix)
        case .idx: throw DatasetError.cannotWrite(path: path, reason: "writing IDX is not supported; use .h5, .npy or .csv")
        }
    }
}
