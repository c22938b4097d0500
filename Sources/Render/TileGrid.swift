import Linalg

/// Lays equal-sized tiles (one matrix row each) out in a grid on a background, with gaps between
/// tiles and around the edge: the common part of weight, reconstruction and sample pictures.
///
/// ```swift
/// let grid = TileGrid(tileWidth: 28, tileHeight: 28, columns: 10)
/// let bitmap = try grid.render(images, range: 0...1)       // one 28x28 tile per row of `images`
/// ```
public struct TileGrid: Sendable {
    public var tileWidth: Int
    public var tileHeight: Int
    public var columns: Int
    /// Pixels between tiles and around the edge.
    public var gap: Int
    /// The value (in the tiles' range) painted behind and between tiles.
    public var background: Float

    public init(tileWidth: Int = 28, tileHeight: Int = 28, columns: Int, gap: Int = 1, background: Float = 1) {
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.columns = columns
        self.gap = gap
        self.background = background
    }

    /// The grid's layout rule for `count` tiles when no column count is given (UFLDL display_network):
    /// a square when `count` is a perfect square (196 -> 14x14); otherwise ceil(sqrt(count)) columns,
    /// widened (up to 1.2 sqrt(count)) until they divide `count`; rows = ceil(count / columns).
    public static func layout(count: Int) -> (rows: Int, columns: Int) {
        guard count > 0 else { return (0, 0) }
        let root = Double(count).squareRoot()
        let r = Int(root.rounded())
        if r * r == count { return (r, r) }
        var n = Int(root.rounded(.up))
        while count % n != 0, Double(n) < 1.2 * root { n += 1 }
        return ((count + n - 1) / n, n)
    }

    /// Renders `tiles` (one row per tile, `tileWidth * tileHeight` values, row-major) in order,
    /// mapping `range` to black...white. Rows fill left to right, top to bottom.
    public func render(_ tiles: Matrix, range: ClosedRange<Float>) throws -> Bitmap {
        guard tiles.cols == tileWidth * tileHeight else {
            throw RenderError.badInput(what: "tiles", reason: "each tile has \(tiles.cols) values, expected \(tileWidth)x\(tileHeight) = \(tileWidth * tileHeight)")
        }
        guard columns >= 1, gap >= 0 else {
            throw RenderError.badInput(what: "grid", reason: "needs at least 1 column and a non-negative gap")
        }
        let rows = (tiles.rows + columns - 1) / columns
        let positions = (0..<tiles.rows).map { ($0 / columns, $0 % columns) }
        return try place(tiles, at: positions, gridRows: rows, range: range)
    }

    /// Renders each tile at an explicit (gridRow, gridColumn) position.
    func place(_ tiles: Matrix, at positions: [(Int, Int)], gridRows: Int, range: ClosedRange<Float>) throws -> Bitmap {
        let width = gap + columns * (tileWidth + gap)
        let height = gap + gridRows * (tileHeight + gap)
        guard width.multipliedReportingOverflow(by: height).partialValue <= 1 << 28 else {
            throw RenderError.badInput(what: "grid", reason: "a \(width)x\(height) picture is too large")
        }
        var bitmap = Bitmap(width: width, height: height, fill: Bitmap.byte(background, range))
        for (t, (gr, gc)) in positions.enumerated() {
            let x0 = gap + gc * (tileWidth + gap), y0 = gap + gr * (tileHeight + gap)
            for y in 0..<tileHeight {
                for x in 0..<tileWidth {
                    bitmap.pixels[(y0 + y) * width + x0 + x] = Bitmap.byte(tiles.data[t * tiles.cols + y * tileWidth + x], range)
                }
            }
        }
        return bitmap
    }
}
