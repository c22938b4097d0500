import HDF5
import Linalg

/// Streams rows of one dataset in an HDF5 file (a hyperslab per chunk), with labels from a
/// sibling dataset when present. Element types: uint8 (scaled by `PixelRange`), int32/int64,
/// float32/float64; HDF5 converts them to Float while reading.
final class HDF5Reader: DatasetReader {
    let path: String
    let featureCount: Int
    /// The dataset read, e.g. `/images`.
    let datasetName: String
    let labelsName: String?
    private let file: H5File
    private let data: H5Dataset
    private let labels: H5Dataset?
    private let scale: Float
    private let rows: Int
    private var next = 0

    /// Names tried, in order, when the caller does not name the dataset.
    static let dataNames = ["images", "data", "codes", "x", "X", "features"]
    static let labelNames = ["labels", "label", "y", "targets"]

    init(path: String, options: ReadOptions) throws {
        self.path = path
        do {
            file = try H5File.open(path)
            let name = try options.hdf5Dataset ?? Self.findData(file, path: path)
            guard try file.kind(of: name) == .dataset else {
                throw DatasetError.badOption(option: "--dataset", reason: "\(path) has no dataset '\(name)' (members: \(try file.memberNames().joined(separator: ", ")))")
            }
            datasetName = name
            data = try file.openDataset(name)
            let shape = try data.shape()
            guard shape.count >= 2 else {
                throw DatasetError.shapeMismatch(path: path, reason: "dataset '\(name)' has shape \(shape); expected rows x features")
            }
            guard let dtype = try data.dtype() else {
                throw DatasetError.badFormat(path: path, reason: "dataset '\(name)' is not a numeric type aezoo reads (uint8, int32, int64, float32, float64)")
            }
            rows = shape[0]
            featureCount = shape.dropFirst().reduce(1, *)
            switch options.pixelRange {
            case .auto: scale = dtype == .uint8 ? 1 / 255 : 1
            case .bytes: scale = 1 / 255
            case .asStored: scale = 1
            }
            var labelsName: String? = nil
            if let explicit = options.hdf5LabelsDataset {
                guard try file.kind(of: explicit) == .dataset else {
                    throw DatasetError.badOption(option: "--labels-dataset", reason: "\(path) has no dataset '\(explicit)'")
                }
                labelsName = explicit
            } else if options.discoverLabels {
                for candidate in Self.labelNames where try file.kind(of: candidate) == .dataset {
                    let s = try file.openDataset(candidate).shape()
                    if s.first == rows, s.dropFirst().allSatisfy({ $0 == 1 }) { labelsName = candidate; break }
                }
            }
            if let labelsName {
                let dataset = try file.openDataset(labelsName)
                let s = try dataset.shape()
                guard s.first == rows, s.dropFirst().allSatisfy({ $0 == 1 }) else {
                    throw DatasetError.shapeMismatch(path: path, reason: "labels dataset '\(labelsName)' has shape \(s), expected (\(rows),)")
                }
                labels = dataset
            } else {
                labels = nil
            }
            self.labelsName = labelsName
        } catch let error as HDF5Error {
            throw Self.wrap(error, path: path)
        }
    }

    static func wrap(_ error: HDF5Error, path: String) -> DatasetError {
        switch error {
        case .fileNotFound: return .cannotOpen(path: path, reason: "no such file")
        default:
            // HDF5Error's description already starts with the path; keep only what follows.
            let text = error.description
            let reason = text.hasPrefix(path + ": ") ? String(text.dropFirst(path.count + 2)) : text
            return .badFormat(path: path, reason: reason)
        }
    }

    private static func findData(_ file: H5File, path: String) throws -> String {
        for name in dataNames where try file.kind(of: name) == .dataset { return name }
        var candidates: [String] = []
        for name in try file.memberNames() where try file.kind(of: name) == .dataset {
            if try file.openDataset(name).shape().count >= 2 { candidates.append(name) }
        }
        guard candidates.count == 1 else {
            throw DatasetError.badOption(option: "--dataset", reason: candidates.isEmpty
                ? "\(path) has no 2-D dataset at its root; name one"
                : "\(path) has several datasets (\(candidates.joined(separator: ", "))); name one")
        }
        return candidates[0]
    }

    var rowCount: Int? { rows }
    var hasLabels: Bool { labels != nil }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        let n = min(max(maxRows, 1), rows - next)
        guard n > 0 else { return nil }
        let range = next..<(next + n)
        do {
            var m = Matrix(rows: n, cols: featureCount, data: try data.readRows(range, as: Float.self))
            if scale != 1 { m.scale(by: scale) }
            var chunkLabels: [Int]? = nil
            if let labels {
                let values = try labels.readRows(range, as: Double.self)
                guard values.allSatisfy({ $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 }) else {
                    throw DatasetError.badFormat(path: path, reason: "labels in '\(labelsName ?? "")' must be whole numbers")
                }
                chunkLabels = values.map { Int($0) }
            }
            next += n
            return LabeledData(images: m, labels: chunkLabels)
        } catch let error as HDF5Error {
            throw Self.wrap(error, path: path)
        }
    }

    func skip(rows: Int) throws {
        next = min(next + rows, self.rows)
    }
}
