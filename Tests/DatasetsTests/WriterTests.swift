import Datasets
import Foundation
import HDF5
import Linalg
import TestSupport
import XCTest

/// Writers stream chunks; numpy and h5py must read back exactly what was appended.
final class WriterTests: XCTestCase {
    private let codes = Matrix(rows: 5, cols: 3, data: (0..<15).map { Float($0) * 0.1 - 0.7 })
    private let labels = [4, 0, 9, 1, 3]

    /// Appends `codes` in chunks of 2, 2, 1.
    private func writeChunks(_ writer: any DatasetWriter, labelled: Bool = true) throws {
        for range in [0..<2, 2..<4, 4..<5] {
            try writer.append(codes.rows(range), labels: labelled ? Array(labels[range]) : nil)
        }
        XCTAssertEqual(writer.rowsWritten, 5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: writer.path), "only the partial file exists before finish")
        try writer.finish()
        XCTAssertTrue(FileManager.default.fileExists(atPath: writer.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: writer.path + ".partial"))
    }

    func testNPYWriterIsReadByNumpy() throws {
        let dir = try temporaryDirectory(self)
        let path = dir + "/codes.npy"
        try writeChunks(try Dataset.create(path, featureCount: 3))
        let out = try Python.run("""
            import sys, numpy as np
            a = np.load(sys.argv[1]); l = np.load(sys.argv[2])
            print(a.dtype, a.shape, l.dtype, l.shape)
            print(' '.join(repr(float(v)) for v in a.ravel()))
            print(' '.join(str(int(v)) for v in l))
            """, modules: ["numpy"], arguments: [path, dir + "/codes.labels.npy"])
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.first, "float32 (5, 3) int64 (5,)")
        XCTAssertEqual(lines[1].split(separator: " ").map { Float($0)! }, codes.data)
        XCTAssertEqual(lines[2], "4 0 9 1 3")
        // And our own reader round-trips it, labels included.
        let back = try Dataset.load(path)   // finds codes.labels.npy beside codes.npy
        XCTAssertEqual(back, LabeledData(images: codes, labels: labels))
        XCTAssertNil(try Dataset.load(path, options: ReadOptions(discoverLabels: false)).labels)
    }

    func testNPYHeaderIsPatchedForLargeRowCounts() throws {
        let dir = try temporaryDirectory(self)
        let path = dir + "/many.npy"
        let writer = try Dataset.create(path, featureCount: 1)
        let column = Matrix(rows: 123_457, cols: 1, data: (0..<123_457).map { Float($0) })
        try writer.append(column, labels: nil)
        try writer.finish()
        let header = try Data(contentsOf: URL(fileURLWithPath: path)).prefix(128)
        XCTAssertTrue(String(decoding: header, as: UTF8.self).contains("'shape': (123457, 1)"))
        let reader = try Dataset.open(path)
        XCTAssertEqual(reader.rowCount, 123_457)
        try reader.skip(rows: 123_450)
        XCTAssertEqual(try reader.nextChunk(maxRows: 10)?.images.data, (123_450..<123_457).map { Float($0) })
    }

    func testHDF5WriterIsReadByH5py() throws {
        let dir = try temporaryDirectory(self)
        let path = dir + "/codes.h5"
        let options = WriteOptions(attributes: [("model_id", .string("sparse-64")), ("checkpoint_sha256", .string(String(repeating: "ab", count: 32))),
                                                ("code_size", .int64(3)), ("normalization", .string("{\"none\":{}}"))], chunkRows: 2)
        try writeChunks(try Dataset.create(path, featureCount: 3, options: options))
        let out = try Python.run("""
            import sys, h5py
            with h5py.File(sys.argv[1], 'r') as f:
                d = f['codes']
                print(d.dtype, d.shape, d.maxshape, d.chunks, d.compression)
                print(' '.join(repr(float(v)) for v in d[...].ravel()))
                print(' '.join(str(int(v)) for v in f['labels'][...]), f['labels'].dtype)
                a = d.attrs
                s = lambda v: v.decode() if isinstance(v, bytes) else v
                print(s(a['model_id']), s(a['checkpoint_sha256'])[:8], int(a['code_size']), s(a['normalization']))
            """, modules: ["h5py"], arguments: [path])
        let lines = out.split(separator: "\n")
        XCTAssertEqual(lines.first, "float32 (5, 3) (None, 3) (2, 3) gzip")
        XCTAssertEqual(lines[1].split(separator: " ").map { Float($0)! }, codes.data)
        XCTAssertEqual(lines[2], "4 0 9 1 3 int64")
        XCTAssertEqual(lines[3], "sparse-64 abababab 3 {\"none\":{}}")
        XCTAssertEqual(try Dataset.load(path), LabeledData(images: codes, labels: labels))
    }

    func testHDF5WriterChunksFromLibdeflateAreReadByH5pyAndH5dump() throws {
        // Enough rows for many full chunks (stored blocks for the random byte planes, libdeflate
        // for the rest) plus a partial last one, appended in uneven batches.
        let dir = try temporaryDirectory(self)
        let path = dir + "/big.h5", raw = dir + "/expected.f32"
        var rng = RandomSource(seed: 11)
        let rows = 2_345, width = 300
        var m = Matrix(rows: rows, cols: width)
        rng.fillUniform(&m.data, low: 0, high: 1)
        let labels = (0..<rows).map { $0 % 10 }
        let writer = try Dataset.create(path, featureCount: width)
        var start = 0
        for batch in [1000, 1, 517, 827] {
            try writer.append(m.rows(start..<(start + batch)), labels: Array(labels[start..<(start + batch)]))
            start += batch
        }
        try writer.finish()
        try m.data.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw)) }
        let out = try Python.run("""
            import sys, h5py, numpy as np
            with h5py.File(sys.argv[1], 'r') as f:
                d = f['codes']
                expected = np.fromfile(sys.argv[2], dtype='<f4').reshape(d.shape)
                print(d.shape, d.chunks, d.compression, d.shuffle, np.array_equal(d[...], expected))
                print(np.array_equal(f['labels'][...], np.arange(d.shape[0]) % 10))
            """, modules: ["h5py", "numpy"], arguments: [path, raw])
        XCTAssertEqual(out.split(separator: "\n"), ["(2345, 300) (218, 300) gzip True True", "True"])
        // HDF5's own command-line reader decodes every chunk (h5dump exits non-zero on a filter error).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/h5dump") {
            let dump = try runProcess(URL(fileURLWithPath: "/usr/bin/h5dump"), ["-d", "codes", "-s", "2340,0", "-c", "5,2", path])
            XCTAssertEqual(dump.status, 0, dump.stderr)
            XCTAssertTrue(dump.stdout.contains("(2344,0)"), dump.stdout)
        }
        XCTAssertEqual(try Dataset.load(path).images, m, "and our reader")
    }

    func testCSVWriterRoundTripsExactly() throws {
        let dir = try temporaryDirectory(self)
        let path = dir + "/codes.csv"
        try writeChunks(try Dataset.create(path, featureCount: 3))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("label,c0,c1,c2\n4,-0.7,"), text)
        XCTAssertEqual(try Dataset.load(path), LabeledData(images: codes, labels: labels))
        let unlabelled = dir + "/plain.csv"
        try writeChunks(try Dataset.create(unlabelled, featureCount: 3), labelled: false)
        XCTAssertEqual(try Dataset.load(unlabelled), LabeledData(images: codes))
    }

    func testWriterMisuseIsReported() throws {
        let dir = try temporaryDirectory(self)
        for name in ["a.npy", "a.h5", "a.csv"] {
            let path = dir + "/" + name
            let writer = try Dataset.create(path, featureCount: 3)
            XCTAssertThrowsError(try writer.append(Matrix(rows: 1, cols: 4), labels: nil)) { error in
                XCTAssertEqual(error as? DatasetError, .cannotWrite(path: path, reason: "rows have 4 columns, the file has 3"))
            }
            try writer.append(codes.rows(0..<1), labels: [1])
            XCTAssertThrowsError(try writer.append(codes.rows(1..<2), labels: nil)) { XCTAssertTrue("\($0)".contains("without labels")) }
        }
        // Writers dropped without finish leave nothing behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
        XCTAssertThrowsError(try Dataset.create(dir + "/codes.bin", featureCount: 3)) { XCTAssertTrue("\($0)".contains("cannot tell the format")) }
        XCTAssertThrowsError(try Dataset.create(dir + "/missing-dir/codes.npy", featureCount: 3)) {
            XCTAssertEqual(($0 as? DatasetError)?.subject, dir + "/missing-dir/codes.npy.partial")
        }
    }
}

/// The sharding story end to end: N shards written separately, stitched by an HDF5 virtual dataset
/// with the h5py snippet from docs/DATA.md, read back by h5py and by aezoo equal to the whole.
final class ShardStitchingTests: XCTestCase {
    func testShardsStitchIntoAVirtualDataset() throws {
        let dir = try temporaryDirectory(self)
        let source = fixture("data.h5")
        let whole = try Dataset.load(source)
        var shardFiles: [String] = []
        for i in 0..<3 {
            let reader = try Dataset.open(source, options: ReadOptions(shard: try Shard(index: i, count: 3)))
            let path = dir + "/codes-\(i)-of-3.h5"
            let writer = try Dataset.create(path, featureCount: reader.featureCount)
            while let chunk = try reader.nextChunk(maxRows: 1) { try writer.append(chunk.images, labels: chunk.labels) }
            try writer.finish()
            shardFiles.append(path)
        }
        let stitched = dir + "/codes.h5"
        let out = try Python.run("""
            import sys, h5py
            out, shards = sys.argv[1], sys.argv[2:]
            # --- the snippet documented in docs/DATA.md ---
            rows = []
            for s in shards:
                with h5py.File(s, 'r') as f:
                    rows.append(f['codes'].shape[0]); cols = f['codes'].shape[1]
            codes = h5py.VirtualLayout(shape=(sum(rows), cols), dtype='f4')
            labels = h5py.VirtualLayout(shape=(sum(rows),), dtype='i8')
            start = 0
            for s, n in zip(shards, rows):
                codes[start:start + n] = h5py.VirtualSource(s, 'codes', shape=(n, cols))
                labels[start:start + n] = h5py.VirtualSource(s, 'labels', shape=(n,))
                start += n
            with h5py.File(out, 'w') as f:
                f.create_virtual_dataset('codes', codes)
                f.create_virtual_dataset('labels', labels)
            # ---
            with h5py.File(out, 'r') as f:
                print(f['codes'].shape, f['labels'][...].tolist())
            """, modules: ["h5py"], arguments: [stitched] + shardFiles)
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "(6, 4) [0, 3, 6, 9, 2, 5]")
        XCTAssertEqual(try Dataset.load(stitched), whole, "aezoo reads the virtual dataset like any other")
    }
}
