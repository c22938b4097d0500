import Foundation
import Linalg

/// Writes rows as a float32 `.npy` array: the header goes first with room for the row count to
/// grow, rows are streamed after it, and the shape is patched in place at `finish()`. Labels, when
/// given, go to a second array `<name>.labels.npy` (int64, shape `(N,)`).
final class NPYWriter: DatasetWriter {
    let state: WriteState
    var path: String { state.path }
    var featureCount: Int { state.featureCount }
    var rowsWritten: Int { state.rowsWritten }
    /// Where labels are written, if any chunk carries them.
    let labelsPath: String
    private let data: OutputFile
    private var labelsFile: OutputFile?
    private let headerLength: Int
    private var scratch: [UInt8] = []

    init(path: String, featureCount: Int) throws {
        let stem = path.hasSuffix(".npy") ? String(path.dropLast(4)) : path
        labelsPath = stem + ".labels.npy"
        state = WriteState(path: path, featureCount: featureCount)
        data = try OutputFile(path: state.partial(for: path))
        let header = NPYHeader(descr: "<f4", fortranOrder: false, shape: [0, featureCount]).encoded()
        headerLength = header.count
        try data.write(header)
    }

    func append(_ rows: Matrix, labels: [Int]?) throws {
        try state.admit(rows, labels: labels)
        if let labels {
            if labelsFile == nil {
                let f = try OutputFile(path: state.partial(for: labelsPath))
                try f.write(NPYHeader(descr: "<i8", fortranOrder: false, shape: [0]).encoded())
                labelsFile = f
            }
            let values = labels.map { Int64($0).littleEndian }
            try values.withUnsafeBytes { try labelsFile!.write($0) }
        }
        if 1.littleEndian == 1 {
            try rows.data.withUnsafeBytes { try data.write($0) }
        } else {
            let swapped = rows.data.map { $0.bitPattern.littleEndian }
            try swapped.withUnsafeBytes { try data.write($0) }
        }
        state.didWrite(rows.rows)
    }

    func finish() throws {
        guard !state.finished else { return }
        try data.seek(to: 0)
        try data.write(NPYHeader(descr: "<f4", fortranOrder: false, shape: [rowsWritten, featureCount]).encoded(paddedTo: headerLength))
        try data.close()
        var moves = [(from: path + ".partial", to: path)]
        if let labelsFile {
            let length = NPYHeader(descr: "<i8", fortranOrder: false, shape: [0]).encoded().count
            try labelsFile.seek(to: 0)
            try labelsFile.write(NPYHeader(descr: "<i8", fortranOrder: false, shape: [rowsWritten]).encoded(paddedTo: length))
            try labelsFile.close()
            moves.append((from: labelsPath + ".partial", to: labelsPath))
        }
        try state.commit(moves)
    }
}
