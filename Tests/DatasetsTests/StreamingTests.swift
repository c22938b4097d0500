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
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, Shard.blockRows, "near-equal shards \(sizes)")
                XCTAssertEqual(LabeledData.concatenate(parts), whole, "\(path) in \(n) shards")
            }
        }
    }

    func testShardParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/4"), try Shard(index: 2, count: 4))
        XCTAssertEqual(try Shard(parsing: "2/4").rows(ofTotal: 60_000), 30208..<45056)
        XCTAssertEqual(try Shard(parsing: "0/3").rows(ofTotal: 60_000), 0..<19968)
        XCTAssertEqual(try Shard(parsing: "2/3").rows(ofTotal: 60_000), 39936..<60000)
        // Fewer blocks than shards: the early shards are empty, the last holds everything.
        XCTAssertEqual(try Shard(parsing: "0/4").rows(ofTotal: 10), 0..<0)
        XCTAssertEqual(try Shard(parsing: "3/4").rows(ofTotal: 10), 0..<10)
        // Every inner boundary falls on a block, for any size and count.
        for total in [0, 1, 511, 512, 513, 5000, 60_000, 1_000_003] {
            for n in [1, 2, 3, 7, 64] {
                var end = 0
                for i in 0..<n {
                    let r = try Shard(index: i, count: n).rows(ofTotal: total)
                    XCTAssertEqual(r.lowerBound, end)
                    if r.upperBound != total { XCTAssertEqual(r.upperBound % Shard.blockRows, 0, "\(i)/\(n) of \(total)") }
                    end = r.upperBound
                }
                XCTAssertEqual(end, total)
            }
        }
        for bad in ["4/4", "-1/4", "1/0", "a/b", "3", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: bad)) { error in
                XCTAssertEqual((error as? DatasetError)?.subject, "--shard", bad)
            }
        }
    }
}

/// The prefetching reader must deliver exactly what the reader it wraps delivers.
final class PrefetchingReaderTests: XCTestCase {
    private func sources() throws -> [(String, ReadOptions)] {
        let dir = try temporaryDirectory(self)
        let idx = dir + "/rows-images-idx3-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [23, 2, 2], body: (0..<92).map { UInt8($0 * 3 % 256) }), to: idx)
        return [
            (idx, ReadOptions()),
            (try gzipFile(idx), ReadOptions()),
            (fixture("u8_5x2x3.npy"), ReadOptions(labelsPath: fixture("labels_5.npy"))),
            (fixture("data.h5"), ReadOptions()),
        ]
    }

    /// Reads with a sequence of chunk sizes (repeating the last) until the end.
    private func drain(_ reader: any DatasetReader, sizes: [Int]) throws -> [LabeledData] {
        var parts: [LabeledData] = []
        var i = 0
        while let c = try reader.nextChunk(maxRows: sizes[min(i, sizes.count - 1)]) {
            XCTAssertLessThanOrEqual(c.rows, sizes[min(i, sizes.count - 1)])
            parts.append(c)
            i += 1
        }
        XCTAssertNil(try reader.nextChunk(maxRows: 3), "stays at the end")
        return parts
    }

    func testSameRowsAtEveryChunkBoundaryAndShard() throws {
        for (path, options) in try sources() {
            let whole = try Dataset.load(path, options: options)
            // Changing sizes make the read-ahead chunk larger or smaller than the next request.
            for sizes in [[1], [2], [7], [1000], [5, 2, 9, 1, 4], [3, 3, 1, 8]] {
                let plain = try drain(try Dataset.open(path, options: options), sizes: sizes)
                let ahead = PrefetchingReader(try Dataset.open(path, options: options))
                XCTAssertEqual(ahead.rowCount, whole.rows)
                XCTAssertEqual(ahead.hasLabels, whole.labels != nil)
                let prefetched = try drain(ahead, sizes: sizes)
                XCTAssertEqual(LabeledData.concatenate(prefetched), whole, "\(path) with chunk sizes \(sizes)")
                XCTAssertEqual(prefetched.map(\.rows), plain.map(\.rows), "the same chunks as without read-ahead")
            }
            for n in [2, 3, 4] {
                var parts: [LabeledData] = []
                for i in 0..<n {
                    var o = options
                    o.shard = try Shard(index: i, count: n)
                    parts += try drain(PrefetchingReader(try Dataset.open(path, options: o)), sizes: [2, 5])
                }
                XCTAssertEqual(LabeledData.concatenate(parts), whole, "\(path) in \(n) shards, prefetched")
            }
        }
    }

    func testSkipDropsReadAheadRowsFirst() throws {
        for (path, options) in try sources() {
            let whole = try Dataset.load(path, options: options)
            guard whole.rows >= 5 else { continue }
            for (first, skip) in [(2, 1), (2, 3), (1, 4), (3, 0)] {
                let reader = PrefetchingReader(try Dataset.open(path, options: options))
                let head = try XCTUnwrap(try reader.nextChunk(maxRows: first))   // reads `first` more ahead
                try reader.skip(rows: skip)
                let rest = try drain(reader, sizes: [4])
                let expected = LabeledData.concatenate([whole.rows(0..<first), whole.rows((first + skip)..<whole.rows)])
                XCTAssertEqual(LabeledData.concatenate([head] + rest), expected, "\(path): \(first) rows, skip \(skip)")
            }
        }
    }

    func testAnErrorWhileReadingAheadIsThrownByTheCallThatNeedsTheRows() throws {
        let dir = try temporaryDirectory(self)
        let idx = dir + "/cut-images-idx3-ubyte.gz"
        // A gzip stream cut in the middle: the first rows read, a later chunk fails.
        let plain = dir + "/cut-images-idx3-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [4000, 2, 2], body: (0..<16000).map { UInt8(($0 * 7919) % 251) }), to: plain)
        let gz = try Data(contentsOf: URL(fileURLWithPath: try gzipFile(plain)))
        try gz.prefix(gz.count / 2).write(to: URL(fileURLWithPath: idx))
        let reader = PrefetchingReader(try Dataset.open(idx))
        XCTAssertEqual(try reader.nextChunk(maxRows: 10)?.rows, 10)
        var delivered = 10
        XCTAssertThrowsError(try { while let c = try reader.nextChunk(maxRows: 100) { delivered += c.rows } }()) { error in
            XCTAssertTrue("\(error)".contains(idx), "names the file: \(error)")
        }
        XCTAssertLessThan(delivered, 4000)
    }
}

private extension LabeledData {
    func rows(_ range: Range<Int>) -> LabeledData {
        LabeledData(images: images.rows(range), labels: labels.map { Array($0[range]) })
    }
}
