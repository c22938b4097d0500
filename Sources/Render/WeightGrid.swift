import Linalg

/// Pictures of what each code unit looks for: unit j's input weights drawn as a 28x28 tile, as the
/// UFLDL `display_network.m` draws them (and the seeds' matplotlib plots do):
/// the global mean of the weights is subtracted, each tile is divided by its own max |w| so it
/// spans [-1, 1] (black = most negative, white = most positive), tiles sit on a black background
/// with 1-pixel gaps, in the grid `TileGrid.layout(count:)` chooses.
///
/// ```swift
/// // An encoder kernel as TensorFlow stores it: 784 inputs x 196 units.
/// let picture = try WeightGrid.render(kernel: kernel, options: .init(sortByNorm: true))
/// try PNG.write(picture.scaled(by: 2), to: "weights.png")
/// ```
public enum WeightGrid {
    /// How the weight matrix is laid out.
    public enum Layout: Sendable {
        /// inputs x units, TensorFlow's `dense/kernel` (one column per unit).
        case inputsByUnits
        /// units x inputs (one row per unit).
        case unitsByInputs
    }

    public struct Options: Sendable {
        public var layout: Layout
        /// Draw only these units (0-based), in this order.
        public var units: [Int]?
        /// Order tiles by the L2 norm of their weights, largest first.
        public var sortByNorm: Bool
        /// Scale each tile by its own max |w| (UFLDL's default); false scales all by the global max.
        public var perTileScaling: Bool
        /// Grid columns; nil uses `TileGrid.layout(count:)`.
        public var columns: Int?
        public var tileWidth: Int
        public var tileHeight: Int

        public init(layout: Layout = .inputsByUnits, units: [Int]? = nil, sortByNorm: Bool = false, perTileScaling: Bool = true,
                    columns: Int? = nil, tileWidth: Int = 28, tileHeight: Int = 28) {
            self.layout = layout
            self.units = units
            self.sortByNorm = sortByNorm
            self.perTileScaling = perTileScaling
            self.columns = columns
            self.tileWidth = tileWidth
            self.tileHeight = tileHeight
        }
    }

    /// The tiles (one row per drawn unit, values in [-1, 1]) and the unit each row shows.
    public static func tiles(kernel: Matrix, options: Options = Options()) throws -> (tiles: Matrix, units: [Int]) {
        let perUnit = options.layout == .inputsByUnits ? kernel.transposed : kernel
        let inputs = options.tileWidth * options.tileHeight
        guard perUnit.cols == inputs else {
            throw RenderError.badInput(what: "weights", reason: "each unit has \(perUnit.cols) input weights, expected \(options.tileWidth)x\(options.tileHeight) = \(inputs) (is the layout right?)")
        }
        var units = options.units ?? Array(0..<perUnit.rows)
        if let bad = units.first(where: { !(0..<perUnit.rows).contains($0) }) {
            throw RenderError.badInput(what: "--units", reason: "unit \(bad) does not exist; the layer has \(perUnit.rows) units (0-based)")
        }
        guard !units.isEmpty else { throw RenderError.badInput(what: "--units", reason: "no units to draw") }
        if options.sortByNorm {
            let norms = Dictionary(uniqueKeysWithValues: Set(units).map { u in
                (u, perUnit.data[(u * inputs)..<((u + 1) * inputs)].reduce(0.0) { $0 + Double($1) * Double($1) })
            })
            units.sort { norms[$0]! != norms[$1]! ? norms[$0]! > norms[$1]! : $0 < $1 }
        }
        var tiles = perUnit.gathering(rows: units)
        // UFLDL: A = A - mean(A(:)) over everything drawn, then per-column (or global) max |w|.
        let mean = Float(tiles.sum() / Double(max(tiles.count, 1)))
        tiles.apply { $0 - mean }
        let globalMax = tiles.data.reduce(Float(0)) { max($0, abs($1)) }
        for t in 0..<tiles.rows {
            let row = (t * inputs)..<((t + 1) * inputs)
            let limit = options.perTileScaling ? tiles.data[row].reduce(Float(0)) { max($0, abs($1)) } : globalMax
            if limit > 0 { for i in row { tiles.data[i] /= limit } }
        }
        return (tiles, units)
    }

    /// The weight picture.
    public static func render(kernel: Matrix, options: Options = Options()) throws -> Bitmap {
        let (tiles, _) = try tiles(kernel: kernel, options: options)
        let columns = options.columns ?? TileGrid.layout(count: tiles.rows).columns
        let grid = TileGrid(tileWidth: options.tileWidth, tileHeight: options.tileHeight, columns: columns, gap: 1, background: -1)
        return try grid.render(tiles, range: -1...1)
    }
}
