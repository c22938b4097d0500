import CHDF5
import Foundation
import TestSupport
import XCTest
@testable import HDF5

/// Our parallel shuffle/deflate/Fletcher-32 pipeline must produce and accept exactly the bytes
/// HDF5's own filters do.
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

    func testChunksEncodedHereAreByteIdenticalToTheLibrarysAndDecodeBothWays() throws {
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
            for k in 0..<5 {
                var offset: [hsize_t] = [hsize_t(k * 8), 0]
                var size: hsize_t = 0
                XCTAssertGreaterThanOrEqual(H5Dget_chunk_storage_size(library.handle.id, &offset, &size), 0)
                var stored = [UInt8](repeating: 0, count: Int(size))
                var mask: UInt32 = 0
                XCTAssertGreaterThanOrEqual(H5Dread_chunk(library.handle.id, aezoo_h5p_default(), &offset, &mask, &stored), 0)
                guard k < 4 else { continue } // the library pads the edge chunk with unspecified bytes
                let raw = values[(k * 88)..<((k + 1) * 88)]
                let encoded = raw.withUnsafeBytes { plan.pipeline.encode($0) }
                XCTAssertEqual(encoded, stored, "chunk \(k), shuffle \(shuffle), deflate \(String(describing: level)), fletcher \(fletcher)")
            }
            try f.close()
            let r = try H5File.open(p)
            XCTAssertEqual(try r.openDataset("lib").read(as: Float.self), values, "our decoder reads the library's chunks")
            XCTAssertEqual(try r.openDataset("ours").readRows(0..<37, as: Float.self), values, "the library reads our chunks")
            XCTAssertEqual(try r.openDataset("ours").read(as: Float.self), values)
        }
    }
}
