import Foundation
import Linalg

/// Writes rows as comma-separated text: a header line (`label,c0,c1,...`), then one row per line,
/// each value in the shortest form that reads back to the same Float.
final class CSVWriter: DatasetWriter {
    let state: WriteState
    var path: String { state.path }
    var featureCount: Int { state.featureCount }
    var rowsWritten: Int { state.rowsWritten }
    private let file: OutputFile
    private let columnPrefix: String
    private var line: [UInt8] = []

    init(path: String, featureCount: Int, columnPrefix: String) throws {
        state = WriteState(path: path, featureCount: featureCount)
        file = try OutputFile(path: state.partial(for: path))
        self.columnPrefix = columnPrefix
    }

    func append(_ rows: Matrix, labels: [Int]?) throws {
        let first = state.labelled == nil
        try state.admit(rows, labels: labels)
        if first {
            let names = (labels != nil ? ["label"] : []) + (0..<featureCount).map { "\(columnPrefix)\($0)" }
            try file.write(Array((names.joined(separator: ",") + "\n").utf8))
        }
        for r in 0..<rows.rows {
            line.removeAll(keepingCapacity: true)
            if let labels { line += String(labels[r]).utf8; line.append(UInt8(ascii: ",")) }
            for j in 0..<featureCount {
                if j > 0 { line.append(UInt8(ascii: ",")) }
                line += rows.data[r * featureCount + j].description.utf8
            }
            line.append(0x0A)
            try file.write(line)
        }
        state.didWrite(rows.rows)
    }

    func finish() throws {
        guard !state.finished else { return }
        if state.labelled == nil {
            // No rows at all: still a valid CSV with a header.
            try file.write(Array(((0..<featureCount).map { "\(columnPrefix)\($0)" }.joined(separator: ",") + "\n").utf8))
        }
        try file.close()
        try state.commit([(from: path + ".partial", to: path)])
    }
}
