import Foundation
import TestSupport
import XCTest
@testable import HDF5

final class H5FileTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try makeTemporaryDirectory("h5") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func testEveryDTypeRoundTripsWithItsShape() throws {
        let p = path("types.h5")
        let f = try H5File.create(p)
        try f.createDataset("f32", values: [Float(1.5), -2, .greatestFiniteMagnitude, 0], shape: [2, 2])
        try f.createDataset("f64", values: [Double.pi, -1e300], shape: [2])
        try f.createDataset("i32", values: [Int32.min, 7, Int32.max], shape: [3])
        try f.createDataset("i64", values: [Int64.min, Int64.max], shape: [2, 1])
        try f.createDataset("u8", values: [UInt8(0), 255, 17], shape: [3])
        try f.createDataset("scalar", values: [Int64(42)], shape: [])
        try f.close()

        let r = try H5File.open(p)
        XCTAssertEqual(try r.openDataset("f32").read(as: Float.self), [1.5, -2, .greatestFiniteMagnitude, 0])
        XCTAssertEqual(try r.openDataset("f32").shape(), [2, 2])
        XCTAssertEqual(try r.openDataset("f32").dtype(), .float32)
        XCTAssertTrue(try r.openDataset("f32").isLittleEndian())
        XCTAssertEqual(try r.openDataset("f64").read(as: Double.self), [.pi, -1e300])
        XCTAssertEqual(try r.openDataset("i32").read(as: Int32.self), [.min, 7, .max])
        XCTAssertEqual(try r.openDataset("i64").read(as: Int64.self), [.min, .max])
        XCTAssertEqual(try r.openDataset("i64").shape(), [2, 1])
        XCTAssertEqual(try r.openDataset("u8").read(as: UInt8.self), [0, 255, 17])
        XCTAssertEqual(try r.openDataset("u8").dtype(), .uint8)
        XCTAssertEqual(try r.openDataset("scalar").read(as: Int64.self), [42])
        XCTAssertEqual(try r.openDataset("scalar").shape(), [])
        // Numeric conversion, as h5py does: a float64 dataset read as Float.
        XCTAssertEqual(try r.openDataset("f64").read(as: Float.self), [Float(Double.pi), -.infinity])
    }

    func testGroupsNestListAndReportExistence() throws {
        let f = try H5File.create(path("groups.h5"))
        let deep = try f.createGroup("a/b/c")
        try deep.createDataset("x", values: [Float(1)], shape: [1])
        try f.createGroup("z")
        XCTAssertEqual(try f.memberNames(), ["a", "z"])
        XCTAssertEqual(try f.openGroup("a/b").memberNames(), ["c"])
        XCTAssertTrue(try f.exists("a/b/c/x"))
        XCTAssertFalse(try f.exists("a/missing/x"))
        XCTAssertEqual(try f.kind(of: "a/b"), .group)
        XCTAssertEqual(try f.kind(of: "a/b/c/x"), .dataset)
        XCTAssertNil(try f.kind(of: "nope"))
        XCTAssertEqual(deep.name, "/a/b/c")
        XCTAssertThrowsError(try f.openGroup("a/b/c/x")) { error in
            XCTAssertEqual(error as? HDF5Error, .notFound(path: f.filePath, object: "/a/b/c/x"))
        }
        try f.remove("z")
        XCTAssertEqual(try f.memberNames(), ["a"])
    }

    func testStorageOptionsAreAppliedAndReportedBack() throws {
        let f = try H5File.create(path("opts.h5"))
        let values = (0..<(100 * 784)).map { Float($0 % 13) }
        let d = try f.createDataset("x", values: values, shape: [100, 784],
                                    options: .init(chunks: [10, 784], deflateLevel: 4, fletcher32: true, shuffle: true))
        let o = try d.storageOptions()
        XCTAssertEqual(o.chunks, [10, 784])
        XCTAssertEqual(o.deflateLevel, 4)
        XCTAssertTrue(o.fletcher32)
        XCTAssertTrue(o.shuffle)
        XCTAssertFalse(o.resizable)
        XCTAssertLessThan(try d.storageSize(), values.count * 4 / 4, "13 distinct values must compress well")
        XCTAssertEqual(try d.read(as: Float.self), values)
    }

    func testAppendGrowsAxisZeroAndRowRangesReadBack() throws {
        let p = path("append.h5")
        let f = try H5File.create(p)
        let d = try f.createDataset("codes", dtype: .float32, shape: [0, 3], options: .init(deflateLevel: 1, resizable: true))
        XCTAssertEqual(try d.append([Float(0), 1, 2, 3, 4, 5]), 2)
        XCTAssertEqual(try d.append([Float(6), 7, 8]), 3)
        XCTAssertThrowsError(try d.append([Float(1), 2])) { XCTAssertTrue("\($0)".contains("shape")) }
        try f.close()
        let r = try H5File.open(p)
        let rd = try r.openDataset("codes")
        XCTAssertEqual(try rd.shape(), [3, 3])
        XCTAssertEqual(try rd.maxShape(), [nil, 3])
        XCTAssertEqual(try rd.readRows(1..<3, as: Float.self), [3, 4, 5, 6, 7, 8])
        XCTAssertEqual(try rd.readRows(3..<3, as: Float.self), [])
        XCTAssertThrowsError(try rd.readRows(2..<4, as: Float.self)) { XCTAssertTrue("\($0)".contains("outside")) }
        let fixed = try H5File.create(path("fixed.h5")).createDataset("x", values: [Float(1)], shape: [1])
        XCTAssertThrowsError(try fixed.append([Float(2)])) { XCTAssertTrue("\($0)".contains("not resizable")) }
    }

    func testAttributesOfEveryKindRoundTrip() throws {
        let p = path("attrs.h5")
        let f = try H5File.create(p)
        let g = try f.createGroup("g")
        try f.setAttribute("vlen", .string("héllo wörld"))
        try f.setAttribute("fixed", .string("abc"), strings: .fixedLength)
        try f.setAttribute("names", .strings(["dense/kernel:0", "dense/bias:0"]), strings: .fixedLength)
        try f.setAttribute("vnames", .strings(["x", "", "yz"]))
        try g.setAttribute("step", .int64(-9))
        try g.setAttribute("steps", .int64s([1, 2, 3]))
        try g.setAttribute("lr", .double(1e-3))
        try g.setAttribute("lrs", .doubles([0.5, 0.25]))
        try g.setAttribute("lr", .double(2e-3)) // replace
        try f.close()

        let r = try H5File.open(p)
        XCTAssertEqual(try r.attribute("vlen"), .string("héllo wörld"))
        XCTAssertEqual(try r.attribute("fixed"), .string("abc"))
        XCTAssertEqual(try r.attribute("names"), .strings(["dense/kernel:0", "dense/bias:0"]))
        XCTAssertEqual(try r.attribute("vnames"), .strings(["x", "", "yz"]))
        let rg = try r.openGroup("g")
        XCTAssertEqual(try rg.attribute("step").int64Value, -9)
        XCTAssertEqual(try rg.attribute("steps"), .int64s([1, 2, 3]))
        XCTAssertEqual(try rg.attribute("lr").doubleValue, 2e-3)
        XCTAssertEqual(try rg.attribute("lrs"), .doubles([0.5, 0.25]))
        XCTAssertEqual(Set(try rg.attributeNames()), ["step", "steps", "lr", "lrs"])
        XCTAssertThrowsError(try rg.attribute("missing")) { XCTAssertTrue("\($0)".contains("missing")) }
    }

    func testMissingAndForeignFilesGiveTypedErrors() throws {
        let missing = path("nope.h5")
        XCTAssertThrowsError(try H5File.open(missing)) { XCTAssertEqual($0 as? HDF5Error, .fileNotFound(path: missing)) }
        let text = path("text.h5")
        try Data("this is not hdf5".utf8).write(to: URL(fileURLWithPath: text))
        XCTAssertThrowsError(try H5File.open(text)) { XCTAssertEqual($0 as? HDF5Error, .notHDF5(path: text)) }

        // A real file cut in half: the superblock survives but the rest does not.
        let good = path("good.h5")
        let f = try H5File.create(good)
        try f.createDataset("x", values: [Float](repeating: 3, count: 10_000), shape: [10_000])
        try f.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let cut = path("cut.h5")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try { let r = try H5File.open(cut); _ = try r.openDataset("x").read(as: Float.self) }()) { error in
            guard case .library(let p, _, let messages)? = error as? HDF5Error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, cut)
            XCTAssertFalse(messages.isEmpty, "HDF5's own messages are carried")
        }
    }

    func testFletcher32DetectsACorruptedChunk() throws {
        let p = path("fletcher.h5")
        let f = try H5File.create(p)
        let pattern = (0..<256).map { Float($0) + 0.25 }
        try f.createDataset("x", values: pattern, shape: [256], options: .init(fletcher32: true))
        try f.close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: p))
        let needle = pattern[100..<104].withUnsafeBytes { Data($0) }
        let at = try XCTUnwrap(bytes.range(of: needle))
        bytes[at.lowerBound] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: p))
        let r = try H5File.open(p)
        XCTAssertThrowsError(try r.openDataset("x").read(as: Float.self)) { error in
            XCTAssertTrue("\(error)".lowercased().contains("fletcher32") || "\(error)".lowercased().contains("checksum"), "\(error)")
        }
    }

    func testStringDatasetIsNotReadAsNumbers() throws {
        let p = path("strings.h5")
        try Python.run("import h5py,sys\nwith h5py.File(sys.argv[1],'w') as f: f['s']=[b'ab', b'cd']", modules: ["h5py", "numpy"], arguments: [p])
        let r = try H5File.open(p)
        XCTAssertThrowsError(try r.openDataset("s").read(as: Float.self)) { error in
            guard case .typeMismatch(_, "/s", "float32", "string")? = error as? HDF5Error else { return XCTFail("\(error)") }
        }
    }

    func testAbsurdDeclaredShapeIsRefusedBeforeAllocating() throws {
        let p = path("huge.h5")
        // A chunked dataset declaring 10^12 floats with no chunk written: the file is a few KB.
        try Python.run("import h5py,sys\nwith h5py.File(sys.argv[1],'w') as f: f.create_dataset('x', shape=(10**6, 10**6), dtype='f4', chunks=(1, 1000))",
                       modules: ["h5py", "numpy"], arguments: [p])
        let r = try H5File.open(p)
        let d = try r.openDataset("x")
        XCTAssertEqual(try d.shape(), [1_000_000, 1_000_000])
        XCTAssertThrowsError(try d.read(as: Float.self)) { error in
            guard case .sizeTooLarge(let file, "/x", let declared, _)? = error as? HDF5Error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, p)
            XCTAssertEqual(declared, 4_000_000_000_000)
        }
        // A small row range of the same dataset is honest and reads as fill values.
        XCTAssertEqual(try d.readRows(0..<1, as: Float.self).count, 1_000_000)
    }

    func testFilesWrittenHereReadInH5pyAndViceVersa() throws {
        let p = path("interop.h5")
        let f = try H5File.create(p)
        let g = try f.createGroup("model")
        try g.createDataset("w", values: [Float(1), 2, 3, 4, 5, 6], shape: [2, 3], options: .init(deflateLevel: 6, fletcher32: true))
        try g.setAttribute("name", .string("dense/kernel"))
        try g.setAttribute("fixed", .strings(["a", "bcd"]), strings: .fixedLength)
        try g.setAttribute("n", .int64(5))
        try f.close()
        let out = try Python.run("""
        import h5py, sys
        with h5py.File(sys.argv[1], 'r') as f:
            d = f['model/w']
            print(d.dtype.str, d.shape, d.compression, d.compression_opts, d.fletcher32, d[...].ravel().tolist())
            a = f['model'].attrs
            print(a['name'], [x.decode() for x in a['fixed']], int(a['n']))
        with h5py.File(sys.argv[2], 'w') as f:
            f.attrs['keras_version'] = b'2.13.1'
            f.attrs['layer_names'] = [b'dense', b'dense_1']
            f.attrs['vlen'] = 'unicode ✓'
            f.attrs['f32'] = __import__('numpy').float32(0.5)
            f.attrs['i16'] = __import__('numpy').arange(3, dtype='i2')
            f.create_dataset('g/d', data=__import__('numpy').arange(6, dtype='>f8').reshape(3, 2))
        """, modules: ["h5py", "numpy"], arguments: [p, path("py.h5")])
        XCTAssertEqual(out, "<f4 (2, 3) gzip 6 True [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]\ndense/kernel ['a', 'bcd'] 5\n")
        let r = try H5File.open(path("py.h5"))
        XCTAssertEqual(try r.attribute("keras_version"), .string("2.13.1"))
        XCTAssertEqual(try r.attribute("layer_names"), .strings(["dense", "dense_1"]))
        XCTAssertEqual(try r.attribute("vlen"), .string("unicode ✓"))
        XCTAssertEqual(try r.attribute("f32"), .double(0.5))
        XCTAssertEqual(try r.attribute("i16"), .int64s([0, 1, 2]))
        let d = try r.openDataset("g/d")
        XCTAssertFalse(try d.isLittleEndian())
        XCTAssertEqual(try d.read(as: Double.self), [0, 1, 2, 3, 4, 5])
    }

    func testObjectsFailCleanlyAfterTheFileIsClosed() throws {
        let f = try H5File.create(path("closed.h5"))
        let d = try f.createDataset("x", values: [Float(1)], shape: [1])
        try f.close()
        XCTAssertFalse(f.isOpen)
        XCTAssertThrowsError(try d.read(as: Float.self)) { XCTAssertEqual($0 as? HDF5Error, .closed(path: f.filePath)) }
        XCTAssertNoThrow(try f.close())
    }
}

extension H5FileTests {
    /// A thread-safe HDF5 keeps its "print errors" switch per thread: failures on other threads
    /// (chunk readers, the prefetching reader) must be as quiet as on the main thread.
    func testHDF5ErrorsOnOtherThreadsAreNotPrintedToStderr() throws {
        let dir = try makeTemporaryDirectory("quiet", removedAfter: self)
        let text = dir.appendingPathComponent("not.h5").path
        try Data("not an HDF5 file\n".utf8).write(to: URL(fileURLWithPath: text))
        var pipe: [Int32] = [0, 0]
        XCTAssertEqual(Foundation.pipe(&pipe), 0)
        fflush(nil)
        let saved = dup(2)
        dup2(pipe[1], 2)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? H5File.open(text)
            done.signal()
        }
        done.wait()
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        close(pipe[1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(pipe[0], &buffer, buffer.count)
        close(pipe[0])
        XCTAssertEqual(n, 0, "printed: \(String(decoding: buffer.prefix(max(n, 0)), as: UTF8.self))")
        XCTAssertThrowsError(try H5File.open(text)) { XCTAssertEqual($0 as? HDF5Error, .notHDF5(path: text)) }
    }
}
