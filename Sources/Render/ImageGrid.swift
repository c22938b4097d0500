import Linalg

/// Grids of images with values in [0, 1] (clamped): reconstructions under their originals, or samples.
///
/// ```swift
/// let picture = try ImageGrid.reconstructions(originals: x, reconstructions: model.reconstruct(x), perRow: 10)
/// try PNG.write(picture.scaled(by: 2), to: "reconstructions.png")
/// ```
public enum ImageGrid {
    /// Originals in one row and their reconstructions in the row right below, `perRow` pairs per
    /// band, bands stacked top to bottom; a grey background marks the gaps.
    public static func reconstructions(originals: Matrix, reconstructions: Matrix, perRow: Int = 10,
                                       tileWidth: Int = 28, tileHeight: Int = 28) throws -> Bitmap {
        guard originals.rows == reconstructions.rows, originals.cols == reconstructions.cols else {
            throw RenderError.badInput(what: "reconstructions", reason: "\(reconstructions.rows)x\(reconstructions.cols) for \(originals.rows)x\(originals.cols) originals")
        }
        guard perRow >= 1 else { throw RenderError.badInput(what: "--per-row", reason: "must be at least 1, got \(perRow)") }
        guard originals.rows > 0 else { throw RenderError.badInput(what: "images", reason: "no images to draw") }
        let n = originals.rows
        let columns = min(perRow, n)
        let bands = (n + columns - 1) / columns
        // Interleave: tile 2k is original k, tile 2k+1 its reconstruction, placed one grid row lower.
        var tiles = Matrix(rows: 2 * n, cols: originals.cols)
        var positions: [(Int, Int)] = []
        for k in 0..<n {
            let (band, column) = (k / columns, k % columns)
            tiles.data.replaceSubrange((2 * k * originals.cols)..<((2 * k + 1) * originals.cols), with: originals.data[(k * originals.cols)..<((k + 1) * originals.cols)])
            tiles.data.replaceSubrange(((2 * k + 1) * originals.cols)..<((2 * k + 2) * originals.cols), with: reconstructions.data[(k * originals.cols)..<((k + 1) * originals.cols)])
            positions += [(2 * band, column), (2 * band + 1, column)]
        }
        let grid = TileGrid(tileWidth: tileWidth, tileHeight: tileHeight, columns: columns, gap: 1, background: 0.5)
        try checkTiles(tiles, grid)
        return try grid.place(tiles, at: positions, gridRows: 2 * bands, range: 0...1)
    }

    /// Images (generated samples, or any set) in rows of `perRow`.
    public static func samples(_ images: Matrix, perRow: Int = 10, tileWidth: Int = 28, tileHeight: Int = 28) throws -> Bitmap {
        guard perRow >= 1 else { throw RenderError.badInput(what: "--per-row", reason: "must be at least 1, got \(perRow)") }
        guard images.rows > 0 else { throw RenderError.badInput(what: "images", reason: "no images to draw") }
        let grid = TileGrid(tileWidth: tileWidth, tileHeight: tileHeight, columns: min(perRow, images.rows), gap: 1, background: 0.5)
        return try grid.render(images, range: 0...1)
    }

    private static func checkTiles(_ tiles: Matrix, _ grid: TileGrid) throws {
        guard tiles.cols == grid.tileWidth * grid.tileHeight else {
            throw RenderError.badInput(what: "images", reason: "each image has \(tiles.cols) values, expected \(grid.tileWidth)x\(grid.tileHeight)")
        }
    }
}
