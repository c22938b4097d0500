import Foundation
import Linalg

/// What every writer keeps track of: its partial files, the rows written, whether chunks carry
/// labels, and the final rename. Dropping it before `commit` deletes the partial files.
final class WriteState {
    let path: String
    let featureCount: Int
    /// Partial files created so far (deleted if the writer is dropped unfinished).
    var partials: [String] = []
    private(set) var rowsWritten = 0
    /// nil before the first chunk; then whether chunks carry labels.
    private(set) var labelled: Bool?
    private(set) var finished = false

    init(path: String, featureCount: Int) {
        self.path = path
        self.featureCount = featureCount
    }

    deinit {
        if !finished { for p in partials { unlink(p) } }
    }

    /// A partial path for `target`, registered for clean-up.
    func partial(for target: String) -> String {
        let p = target + ".partial"
        partials.append(p)
        return p
    }

    /// Checks a chunk against the file and against earlier chunks.
    func admit(_ rows: Matrix, labels: [Int]?) throws {
        guard !finished else { throw DatasetError.cannotWrite(path: path, reason: "append after finish") }
        guard rows.cols == featureCount else {
            throw DatasetError.cannotWrite(path: path, reason: "rows have \(rows.cols) columns, the file has \(featureCount)")
        }
        if let labels, labels.count != rows.rows {
            throw DatasetError.cannotWrite(path: path, reason: "\(labels.count) labels for \(rows.rows) rows")
        }
        if let labelled, labelled != (labels != nil) {
            throw DatasetError.cannotWrite(path: path, reason: labelled ? "a chunk without labels after labelled chunks" : "a labelled chunk after unlabelled chunks")
        }
        labelled = labels != nil
    }

    func didWrite(_ rows: Int) { rowsWritten += rows }

    /// Renames every partial file into place.
    func commit(_ moves: [(from: String, to: String)]) throws {
        for move in moves where rename(move.from, move.to) != 0 {
            throw DatasetError.cannotWrite(path: move.to, reason: String(cString: strerror(errno)))
        }
        finished = true
    }
}
