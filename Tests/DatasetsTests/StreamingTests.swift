import Datasets
import Foundation
import Linalg
import TestSupport
import XCTest

/// Chunk sizes and shards must never change the data delivered, in any format.
final class StreamingTests: XCTestCase {
    private func sources() throws -> [(String, ReadOptions)] {
        let dir = try temporaryDirectory(self)
        let csv = dir + "/rows.csv"
        var text = "label,a,b,c\n"
        for r in 0..<23 { text += "\(r % 10),\(r),\(Float(r) * 0.5),\(-r)\n" }
        try write(Array(text.utf8), to: csv)
        let idx = dir + "/rows-images-idx3-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [23, 2, 2], body: (0..<92).map { UInt8($0 * 2 % 256) }), to: idx)
        return [
            (csv, ReadOptions()),
            (idx, ReadOptions()),
            (try gzipFile(idx), ReadOptions()),
            (fixture("u8_5x2x3.npy"), ReadOptions(labelsPath: fixture("labels_5.npy"))),
            (fixture("f4_4x3.npy.gz"), ReadOptions()),
            (fixture("data.h5"), ReadOptions()),
        ]
    }

    func testChunkSizeDoesNotChangeTheResult() throws {
        for (path, options) in try sources() {
            let whole = try Dataset.load(path, options: options)
            for chunk in [1, 2, 3, 7, 1000] {
                let reader = try Dataset.open(path, options: options)
                var parts: [LabeledData] = []
                while let c = try reader.nextChunk(maxRows: chunk) {
                    XCTAssertLessThanOrEqual(c.rows, chunk)
                    parts.append(c)
                }
                XCTAssertNil(try reader.nextChunk(maxRows: chunk), "stays at the end")
                XCTAssertEqual(LabeledData.concatenate(parts), whole, "\(path) with chunks of \(chunk)")
                XCTAssertEqual(reader.rowCount, whole.rows)
            }
        }
    }

    func testShardsConcatenateToTheWhole() throws {
        for (path, options) in try sources() {
            let whole = try Dataset.load(path, options: options)
            for n in [1, 2, 3, 4, 7] {
                var parts: [LabeledData] = []
                for i in 0..<n {
                    var o = options
                    o.shard = try Shard(index: i, count: n)
                    let reader = try Dataset.open(path, options: o)
                    let part = try reader.readAll(chunkRows: 2)
                    XCTAssertEqual(reader.rowCount, part.rows)
                    parts.append(part)
                }
                let sizes = parts.map(\.rows)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "near-equal shards \(sizes)")
                XCTAssertEqual(LabeledData.concatenate(parts), whole, "\(path) in \(n) shards")
            }
        }
    }

    func testShardParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/4"), try Shard(index: 2, count: 4))
        XCTAssertEqual(try Shard(parsing: "2/4").rows(ofTotal: 10), 5..<7)
        XCTAssertEqual(try Shard(parsing: "0/3").rows(ofTotal: 60_000), 0..<20_000)
        for bad in ["4/4", "-1/4", "1/0", "a/b", "3", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: bad)) { error in
                XCTAssertEqual((error as? DatasetError)?.subject, "--shard", bad)
            }
        }
    }
}
