import Linalg
import Render
import XCTest

final class GridTests: XCTestCase {
    func testLayoutRuleMatchesDisplayNetwork() {
        XCTAssertTrue(TileGrid.layout(count: 196) == (14, 14))
        XCTAssertTrue(TileGrid.layout(count: 100) == (10, 10))
        XCTAssertTrue(TileGrid.layout(count: 50) == (6, 9))      // 8 does not divide 50, 9 reaches 1.2 sqrt(50)
        XCTAssertTrue(TileGrid.layout(count: 10) == (3, 4))
        XCTAssertTrue(TileGrid.layout(count: 12) == (3, 4))      // 4 divides 12
        XCTAssertTrue(TileGrid.layout(count: 1000) == (27, 38))  // no divisor of 1000 in 32...37
        XCTAssertTrue(TileGrid.layout(count: 64) == (8, 8))
    }

    /// 4 units of 2x2 inputs: each tile is divided by its own max |w| after the global mean is removed.
    func testWeightTilesAreScaledPerTileAfterRemovingTheGlobalMean() throws {
        // inputs x units (TensorFlow kernel layout): column u holds unit u's 4 weights.
        let perUnit: [[Float]] = [[1, -1, 0.5, 0], [10, 0, 0, -10], [0.1, 0.1, 0.1, 0.1], [2, 4, 6, 8]]
        var kernel = Matrix(rows: 4, cols: 4)
        for u in 0..<4 { for i in 0..<4 { kernel[i, u] = perUnit[u][i] } }
        let options = WeightGrid.Options(tileWidth: 2, tileHeight: 2)
        let (tiles, units) = try WeightGrid.tiles(kernel: kernel, options: options)
        XCTAssertEqual(units, [0, 1, 2, 3])
        let mean = perUnit.joined().reduce(0, +) / 16
        for u in 0..<4 {
            let centred = perUnit[u].map { $0 - mean }
            let limit = centred.map(abs).max()!
            for i in 0..<4 { XCTAssertEqual(tiles[u, i], centred[i] / limit, accuracy: 1e-6) }
            XCTAssertEqual(tiles.row(u).map(abs).max()!, 1, accuracy: 1e-6, "every tile spans to +-1")
        }
        let bitmap = try WeightGrid.render(kernel: kernel, options: options)
        // 2x2 grid of 2x2 tiles, 1-px gaps and border: 1 + 2 * 3 = 7 pixels a side, background black.
        XCTAssertEqual([bitmap.width, bitmap.height], [7, 7])
        XCTAssertEqual(bitmap[0, 0], [0])
        XCTAssertEqual(bitmap[3, 3], [0])
        // Unit 1 sits at grid (0, 1): x 4-5, y 1-2. After centring, -10 has the largest |w|: black;
        // 10 maps to ((10 - mean) / (10 + mean) + 1) / 2 * 255.
        XCTAssertEqual(bitmap[5, 2], [0])
        XCTAssertEqual(bitmap[4, 1], [UInt8((((10 - mean) / (10 + mean) + 1) / 2 * 255).rounded())])
        // Unit 3 (2, 4, 6, 8) at grid (1, 1): its largest weight 8 is white.
        XCTAssertEqual(bitmap[5, 5], [255])
    }

    func testSortByNormAndChosenUnits() throws {
        var kernel = Matrix(rows: 4, cols: 3)
        for i in 0..<4 { kernel[i, 0] = 1 * Float(i); kernel[i, 1] = 3 * Float(i); kernel[i, 2] = 2 * Float(i) }
        let sorted = try WeightGrid.tiles(kernel: kernel, options: .init(sortByNorm: true, tileWidth: 2, tileHeight: 2))
        XCTAssertEqual(sorted.units, [1, 2, 0])
        let chosen = try WeightGrid.tiles(kernel: kernel, options: .init(units: [2, 0], tileWidth: 2, tileHeight: 2))
        XCTAssertEqual(chosen.units, [2, 0])
        XCTAssertEqual(chosen.tiles.rows, 2)
        XCTAssertThrowsError(try WeightGrid.tiles(kernel: kernel, options: .init(units: [3], tileWidth: 2, tileHeight: 2))) {
            XCTAssertEqual($0 as? RenderError, .badInput(what: "--units", reason: "unit 3 does not exist; the layer has 3 units (0-based)"))
        }
        XCTAssertThrowsError(try WeightGrid.render(kernel: kernel)) { XCTAssertTrue("\($0)".contains("784"), "\($0)") }
        // units x inputs layout gives the same tiles as the transposed kernel.
        let rowsLayout = try WeightGrid.tiles(kernel: kernel.transposed, options: .init(layout: .unitsByInputs, tileWidth: 2, tileHeight: 2))
        XCTAssertEqual(rowsLayout.tiles, try WeightGrid.tiles(kernel: kernel, options: .init(tileWidth: 2, tileHeight: 2)).tiles)
    }

    func testReconstructionsSitUnderTheirOriginals() throws {
        // 3 white originals and 3 black reconstructions, 2 per row: 2 bands of (original row, reconstruction row).
        let originals = Matrix(rows: 3, cols: 4, repeating: 1)
        let reconstructions = Matrix(rows: 3, cols: 4, repeating: 0)
        let b = try ImageGrid.reconstructions(originals: originals, reconstructions: reconstructions, perRow: 2, tileWidth: 2, tileHeight: 2)
        XCTAssertEqual([b.width, b.height], [1 + 2 * 3, 1 + 4 * 3])
        XCTAssertEqual(b[1, 1], [255], "band 0 originals")
        XCTAssertEqual(b[1, 4], [0], "band 0 reconstructions")
        XCTAssertEqual(b[4, 4], [0], "band 0, second column reconstruction")
        XCTAssertEqual(b[1, 7], [255], "band 1 original (image 2)")
        XCTAssertEqual(b[1, 10], [0], "band 1 reconstruction (image 2)")
        XCTAssertEqual(b[4, 7], [128], "band 1 has one pair; the rest is background")
        XCTAssertEqual(b[0, 0], [128])
        XCTAssertThrowsError(try ImageGrid.reconstructions(originals: originals, reconstructions: Matrix(rows: 2, cols: 4), tileWidth: 2, tileHeight: 2))
    }

    func testSamplesGrid() throws {
        var images = Matrix(rows: 5, cols: 4)
        for r in 0..<5 { for i in 0..<4 { images[r, i] = Float(r) / 4 } }
        let b = try ImageGrid.samples(images, perRow: 3, tileWidth: 2, tileHeight: 2)
        XCTAssertEqual([b.width, b.height], [10, 7])
        XCTAssertEqual(b[1, 1], [0])
        XCTAssertEqual(b[4, 1], [64])
        XCTAssertEqual(b[1, 4], [191])
        XCTAssertEqual(b[7, 4], [128], "the missing sixth tile shows the background")
        XCTAssertThrowsError(try ImageGrid.samples(images, perRow: 0, tileWidth: 2, tileHeight: 2))
    }
}
