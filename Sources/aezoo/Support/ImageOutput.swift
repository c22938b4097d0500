import Datasets
import Foundation
import Linalg
import Render

/// Writes rows either as a picture (`.png`: a grid of square tiles) or as data (.h5, .npy, .csv).
enum ImageOutput {
    /// Side of a square image with `features` pixels (28 for 784), if it is square.
    static func side(_ features: Int) -> Int? {
        let s = Int(Double(features).squareRoot().rounded())
        return s * s == features ? s : nil
    }

    static func isPicture(_ path: String) -> Bool { path.lowercased().hasSuffix(".png") }

    /// A PNG grid of `images` (values in [0, 1]), `perRow` per row, scaled up `scale` times.
    static func writeGrid(_ images: Matrix, to path: String, perRow: Int, scale: Int) throws {
        guard let s = side(images.cols) else {
            throw CLIError(path, "rows of \(images.cols) values are not square images; write .h5, .npy or .csv instead")
        }
        let bitmap = try ImageGrid.samples(images, perRow: perRow, tileWidth: s, tileHeight: s)
        try PNG.write(bitmap.scaled(by: scale), to: path)
    }

    /// Writes `rows` to a picture or a data file, as the extension says.
    static func write(_ rows: Matrix, labels: [Int]? = nil, to path: String, perRow: Int, scale: Int,
                      attributes: [(String, AttributeValue)]) throws {
        if isPicture(path) {
            try writeGrid(rows, to: path, perRow: perRow, scale: scale)
        } else {
            let writer = try Dataset.create(path, featureCount: rows.cols, options: WriteOptions(datasetName: "images", attributes: attributes))
            try writer.append(rows, labels: labels)
            try writer.finish()
        }
    }
}
