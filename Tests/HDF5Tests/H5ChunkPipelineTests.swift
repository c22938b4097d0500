import CHDF5
import CZlib
import Foundation
import Linalg
import TestSupport
import XCTest
@testable import HDF5

/// Our shuffle / libdeflate / Fletcher-32 pipeline must write chunks HDF5 (and any zlib) reads,
/// read the chunks the library writes, and refuse damaged chunks with the reason.
final class H5ChunkPipelineTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try makeTemporaryDirectory("pipeline") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testFletcher32MatchesKnownValues() {
        // Reference values computed with HDF5's H5_checksum_fletcher32 algorithm by hand-checked cases.
        XCTAssertEqual(H5ChunkPipeline.fletcher32([UInt8]()), 0)
        XCTAssertEqual(H5ChunkPipeline.fletcher32([0x01, 0x02]), 0x0102_0102)
        XCTAssertEqual(H5ChunkPipeline.fletcher32([0x01, 0x02, 0x03]), (0x0102 + 0x0102 + 0x0300) << 16 | (0x0102 + 0x0300))
    }

    /// HDF5's H5_checksum_fletcher32, transcribed: 32-bit sums folded every 360 words.
    private func referenceFletcher32(_ bytes: [UInt8]) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0, i = 0
        var words = bytes.count / 2
        while words > 0 {
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 &+= UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); sum2 &+= sum1; i += 2
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16); sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        if bytes.count % 2 == 1 {
            sum1 &+= UInt32(bytes[i]) << 8; sum2 &+= sum1
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16); sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16); sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    func testFletcher32EqualsHDF5sFoldingAlgorithmOnAnyBytes() {
        var rng = RandomSource(seed: 5)
        for (k, length) in [1, 2, 3, 7, 359 * 2, 360 * 2, 361 * 2 + 1, 4096, 100_003, 262_144, 1 << 21].enumerated() {
            for pattern in 0..<4 {
                let bytes: [UInt8] = (0..<length).map { i in
                    switch pattern {
                    case 0: return 0xFF                               // sums that are multiples of 65535
                    case 1: return 0                                  // the zero sum
                    case 2: return i % 3 == 0 ? 0xFF : 0
                    default: return UInt8(truncatingIfNeeded: rng.next() >> 11)
                    }
                }
                XCTAssertEqual(H5ChunkPipeline.fletcher32(bytes), referenceFletcher32(bytes), "case \(k), length \(length), pattern \(pattern)")
            }
        }
    }

    func testShuffleRoundTripsForEveryElementSize() {
        var rng = RandomSource(seed: 9)
        for size in 1...9 {
            for count in [0, 1, 5, 1000] {
                let extra = size - 1                   // bytes past the last whole element
                let raw = (0..<(count * size + extra)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let shuffled = raw.withUnsafeBytes { H5ChunkPipeline.shuffled($0, elementSize: size) }
                for i in 0..<count { for b in 0..<size { XCTAssertEqual(shuffled[b * count + i], raw[i * size + b]) } }
                XCTAssertEqual(shuffled.suffix(extra), raw.suffix(extra), "bytes past whole elements stay")
                var back = [UInt8](repeating: 0, count: raw.count)
                shuffled.withUnsafeBytes { s in back.withUnsafeMutableBytes { H5ChunkPipeline.unshuffle(s, into: $0, elementSize: size) } }
                XCTAssertEqual(back, raw, "size \(size), count \(count)")
            }
        }
    }

    /// Inflates with zlib itself (`uncompress` checks the header and the Adler-32).
    private func zlibInflate(_ stream: [UInt8], size: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: size)
        var length = uLongf(size)
        let status = out.withUnsafeMutableBufferPointer { o in
            stream.withUnsafeBufferPointer { uncompress(o.baseAddress, &length, $0.baseAddress, uLong($0.count)) }
        }
        return status == Z_OK && Int(length) == size ? out : nil
    }

    func testLibdeflateStreamsAreInflatedByZlib() {
        var rng = RandomSource(seed: 2)
        let floats = (0..<65_536).map { _ in Float(rng.nextUniform() - 0.5) * 0.06 }      // like weights
        let codes = (0..<65_536).map { _ in 1 / (1 + Float(exp(-8 * (rng.nextUniform() - 0.5)))) } // like sigmoid codes
        let randomBytes = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let cases: [(String, [UInt8], Int)] = [
            ("float weights, shuffled", floats.withUnsafeBytes { H5ChunkPipeline.shuffled($0, elementSize: 4) }, 4),
            ("sigmoid codes, shuffled", codes.withUnsafeBytes { H5ChunkPipeline.shuffled($0, elementSize: 4) }, 4),
            ("random bytes, every plane stored", randomBytes, 4),
            ("random bytes, more than 65535 in one stored run", randomBytes, 1),
            ("zeros", [UInt8](repeating: 0, count: 300_000), 4),
            ("labels, int64 planes", (0..<40_000).map { Int64($0 % 10) }.withUnsafeBytes { H5ChunkPipeline.shuffled($0, elementSize: 8) }, 8),
            ("small", Array(randomBytes.prefix(100)), 4),
            ("empty", [], 4),
            ("planes plus leftover bytes", Array(randomBytes.prefix(70_003)), 4),
        ]
        for (label, input, planes) in cases {
            for level: Int32 in [1, 4, 9] {
                let stream = input.withUnsafeBytes { ZlibCodec.compress($0, level: level, planes: planes) }
                XCTAssertEqual(zlibInflate(stream, size: input.count), input, "\(label), level \(level): zlib inflates it")
                var back = [UInt8](repeating: 0xEE, count: input.count)
                XCTAssertNoThrow(try stream.withUnsafeBytes { s in try back.withUnsafeMutableBytes { try ZlibCodec.decompress(s, into: $0) } })
                XCTAssertEqual(back, input, "\(label), level \(level): and so does libdeflate")
                if input.count > 100 && label.hasPrefix("random") {
                    XCTAssertLessThan(stream.count, input.count + input.count / 1000 + 64, "\(label): stored, not expanded")
                }
            }
        }
    }

    func testNearlyRandomPlanesAreStoredAtTheFastLevelsAndCompressedAtTheOthers() {
        // 200 equally likely byte values: 7.64 bits per byte, deflate saves about 4%.
        var rng = RandomSource(seed: 12)
        let plane = (0..<65_536).map { _ in UInt8(rng.next() % 200) }
        let input = plane + plane.reversed() + plane.shuffled(using: &rng) + [UInt8](repeating: 0, count: 65_536)
        let fast = input.withUnsafeBytes { ZlibCodec.compress($0, level: 1, planes: 4) }
        let thorough = input.withUnsafeBytes { ZlibCodec.compress($0, level: 4, planes: 4) }
        XCTAssertGreaterThan(fast.count, 3 * 65_536, "level 1 stores the three nearly random planes")
        XCTAssertLessThan(thorough.count, 3 * 65_536 - 4000, "level 4 compresses them")
        XCTAssertEqual(zlibInflate(fast, size: input.count), input)
        XCTAssertEqual(zlibInflate(thorough, size: input.count), input)
    }

    func testChunksWrittenHereAreReadByTheLibraryAndTheLibrarysByUs() throws {
        let values = (0..<(37 * 11)).map { Float(sin(Double($0))) * 100 }
        for (shuffle, level, fletcher) in [(true, 1, true), (false, 6, true), (true, nil, false), (false, 4, false)] as [(Bool, Int?, Bool)] {
            let p = dir.appendingPathComponent("p-\(shuffle)-\(level ?? -1)-\(fletcher).h5").path
            let f = try H5File.create(p)
            // Appending goes through HDF5's own filters...
            let library = try f.createDataset("lib", dtype: .float32, shape: [0, 11],
                                              options: .init(chunks: [8, 11], deflateLevel: level, fletcher32: fletcher, shuffle: shuffle, resizable: true))
            try library.append(values)
            // ...a whole write through ours.
            let ours = try f.createDataset("ours", values: values, shape: [37, 11],
                                           options: .init(chunks: [8, 11], deflateLevel: level, fletcher32: fletcher, shuffle: shuffle))
            let plan = try XCTUnwrap(try ours.chunkPlan(Float.self, shape: [37, 11]), "the fast path applies")
            for k in 0..<4 {
                // Our decoder reads each chunk the library stored.
                let stored = try library.storedChunk(atRow: k * 8)
                var decoded = [Float](repeating: .nan, count: 88)
                try stored.withUnsafeBytes { s in try decoded.withUnsafeMutableBytes { try plan.pipeline.decode(s, into: $0) } }
                XCTAssertEqual(decoded, Array(values[(k * 88)..<((k + 1) * 88)]), "chunk \(k), shuffle \(shuffle), deflate \(String(describing: level)), fletcher \(fletcher)")
            }
            try f.close()
            let r = try H5File.open(p)
            XCTAssertEqual(try r.openDataset("lib").read(as: Float.self), values, "our decoder reads the library's chunks")
            XCTAssertEqual(try r.openDataset("ours").readRows(0..<37, as: Float.self), values, "the library reads our chunks")
            XCTAssertEqual(try r.openDataset("ours").read(as: Float.self), values)
        }
    }

    /// A file with one float dataset in our pipeline; returns its path and values.
    private func makeFile(_ name: String, fletcher: Bool) throws -> (String, [Float]) {
        var rng = RandomSource(seed: 4)
        let values = (0..<(3 * 4096)).map { _ in Float(rng.nextUniform() - 0.5) }
        let p = dir.appendingPathComponent(name).path
        let f = try H5File.create(p)
        try f.createDataset("weights", values: values, shape: [3 * 64, 64],
                            options: .init(chunks: [64, 64], deflateLevel: 1, fletcher32: fletcher, shuffle: true))
        try f.close()
        return (p, values)
    }

    /// Rewrites chunk 1 of `weights` through `damage`, then expects a read to fail naming it.
    private func expectCorruptChunk(_ name: String, fletcher: Bool, reason: String,
                                    damage: ([UInt8]) -> [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let (p, values) = try makeFile(name, fletcher: fletcher)
        do {
            let f = try H5File.open(p, mode: .readWrite)
            let d = try f.openDataset("weights")
            try d.replaceStoredChunk(atRow: 64, with: damage(try d.storedChunk(atRow: 64)))
            try f.close()
        }
        let f = try H5File.open(p)
        XCTAssertEqual(try f.openDataset("weights").readRows(0..<64, as: Float.self), Array(values[0..<4096]), "other chunks still read", file: file, line: line)
        XCTAssertThrowsError(try f.openDataset("weights").read(as: Float.self), file: file, line: line) { error in
            guard case let HDF5Error.corruptChunk(path, object, chunk, detail) = error else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(path, p, file: file, line: line)
            XCTAssertTrue(object.hasSuffix("weights"), object, file: file, line: line)
            XCTAssertEqual(chunk, 1, file: file, line: line)
            XCTAssertTrue(detail.contains(reason), "\(detail) should mention \(reason)", file: file, line: line)
        }
    }

    /// Recomputes the trailing Fletcher-32 so that only the damage inside is left to find.
    private func refletcher(_ payload: [UInt8]) -> [UInt8] {
        let sum = H5ChunkPipeline.fletcher32(payload)
        return payload + [UInt8(sum & 0xFF), UInt8(sum >> 8 & 0xFF), UInt8(sum >> 16 & 0xFF), UInt8(sum >> 24)]
    }

    func testDamagedChunksAreRefusedWithTheReasonTheFileTheDatasetAndTheChunk() throws {
        try expectCorruptChunk("flipped.h5", fletcher: true, reason: "Fletcher32") { stored in
            var s = stored; s[s.count / 2] ^= 0x10; return s
        }
        try expectCorruptChunk("adler.h5", fletcher: true, reason: "Adler-32") { stored in
            var payload = Array(stored.dropLast(4))
            payload[payload.count - 1] ^= 0x01           // the last byte of the zlib stream's Adler-32
            return refletcher(payload)
        }
        try expectCorruptChunk("adler-no-fletcher.h5", fletcher: false, reason: "Adler-32") { stored in
            var s = stored; s[s.count - 2] ^= 0x40; return s
        }
        try expectCorruptChunk("truncated.h5", fletcher: true, reason: "truncated") { stored in
            refletcher(Array(stored.dropLast(4).dropLast(stored.count / 3)))
        }
        try expectCorruptChunk("truncated-no-fletcher.h5", fletcher: false, reason: "truncated") { stored in
            Array(stored.prefix(stored.count / 2))
        }
        try expectCorruptChunk("no-checksum-room.h5", fletcher: true, reason: "truncated") { _ in [0x78] }
        try expectCorruptChunk("header.h5", fletcher: false, reason: "header") { stored in
            var s = stored; s[0] = 0x79; return s
        }
    }

    func testRowAppenderStoresWhatWasAppendedInAnyBatches() throws {
        let p = dir.appendingPathComponent("appended.h5").path
        var rng = RandomSource(seed: 8)
        let width = 300
        let f = try H5File.create(p)
        let codes = try f.createDataset("codes", dtype: .float32, shape: [0, width],
                                        options: .init(chunks: [40, width], deflateLevel: 4, shuffle: true, resizable: true))
        let labels = try f.createDataset("labels", dtype: .int64, shape: [0], options: .init(chunks: [64], deflateLevel: 4, shuffle: true, resizable: true))
        let rowsAppender = try H5RowAppender<Float>(codes)
        let labelAppender = try H5RowAppender<Int64>(labels)
        var all: [Float] = [], allLabels: [Int64] = []
        for batch in [3, 40, 1, 200, 0, 39, 81, 7] {
            let rows = (0..<(batch * width)).map { _ in Float(rng.nextUniform()) }
            let l = (0..<batch).map { _ in Int64(rng.next() % 10) }
            try rowsAppender.append(rows)
            try labelAppender.append(l)
            all += rows; allLabels += l
            XCTAssertEqual(rowsAppender.rowCount, all.count / width)
        }
        try rowsAppender.finish()
        try labelAppender.finish()
        try f.close()
        let r = try H5File.open(p)
        XCTAssertEqual(try r.openDataset("codes").shape(), [371, width])
        XCTAssertEqual(try r.openDataset("codes").readRows(0..<371, as: Float.self), all, "HDF5's own filters read every chunk")
        XCTAssertEqual(try r.openDataset("codes").read(as: Float.self), all)
        XCTAssertEqual(try r.openDataset("labels").read(as: Int64.self), allLabels)
        XCTAssertThrowsError(try rowsAppender.append([1, 2]), "a partial row is refused")
    }
}
