import Foundation
@testable import Interop
import Linalg
import TestSupport
import XCTest

final class NumPyTests: XCTestCase {
    func testReadsSavezAndSavezCompressedBitExact() throws {
        assertMatchesManifest(try NPZ.read(Fixtures.path("dense.npz")), "dense.npz")
        assertMatchesManifest(try NPZ.read(Fixtures.path("dense_compressed.npz")), "dense_compressed.npz")
    }

    func testReadsFortranOrderAndBigEndianArrays() throws {
        assertMatchesManifest(VariableStore([("fortran", try NPY.read(Fixtures.path("fortran.npy")))]), "fortran.npy")
        let big = try NPY.read(Fixtures.path("big_endian.npy"))
        XCTAssertEqual(big.dtype, .float64)
        XCTAssertEqual(big.shape, [3, 4])
        XCTAssertEqual(big.floats, (0..<12).map { Float(Double(Float($0) / 3)) })
    }

    func testNPZAndNPYRoundTrips() throws {
        var store = try NPZ.read(Fixtures.path("dense.npz"))
        store["global_step"] = Tensor(scalar: Int64(12))
        let dir = try temporaryDirectory(self, label: "interop")
        try NPZ.write(store, to: dir + "/w.npz")
        XCTAssertEqual(try NPZ.read(dir + "/w.npz"), store)
        try NPY.write(store["dense/kernel"]!, to: dir + "/k.npy")
        XCTAssertEqual(try NPY.read(dir + "/k.npy"), store["dense/kernel"])
        let bytes = [UInt8](FileManager.default.contents(atPath: dir + "/k.npy")!)
        XCTAssertEqual((10 + Int(bytes[8]) + Int(bytes[9]) << 8) % 64, 0, "data starts 64-byte aligned like numpy's")
    }

    func testNumPyLoadsWhatAezooWrites() throws {
        let dir = try temporaryDirectory(self, label: "interop")
        let store = try NPZ.read(Fixtures.path("dense.npz"))
        try NPZ.write(store, to: dir + "/w.npz")
        let script = "import numpy as np, hashlib; z = np.load('\(dir)/w.npz'); print(' '.join(k + '=' + hashlib.sha256(z[k].astype('<f4').tobytes()).hexdigest() for k in sorted(z.files)))"
        let out = try Python.run(script, modules: ["numpy"])
        for (name, info) in Fixtures.manifest.fixtures["dense.npz"]!.tensors {
            XCTAssertTrue(out.contains("\(name)=\(info.sha256!)"), "numpy read \(name) back bit-exact: \(out)")
        }
    }

    func testCorruptArchivesAreRefused() throws {
        var bytes = [UInt8](FileManager.default.contents(atPath: Fixtures.path("dense.npz"))!)
        let dir = try temporaryDirectory(self, label: "interop")
        bytes[200] ^= 0xff  // inside the first member's data
        _ = FileManager.default.createFile(atPath: dir + "/bad.npz", contents: Data(bytes))
        XCTAssertThrowsError(try NPZ.read(dir + "/bad.npz")) { error in
            guard case InteropError.checksumMismatch = error else { return XCTFail("\(error)") }
        }
        _ = FileManager.default.createFile(atPath: dir + "/short.npz", contents: Data(bytes.prefix(100)))
        XCTAssertThrowsError(try NPZ.read(dir + "/short.npz")) { XCTAssertTrue("\($0)".contains("short.npz"), "\($0)") }
        let header = Array("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n".utf8)
        _ = FileManager.default.createFile(atPath: dir + "/u8.npy", contents: Data(NPY.magic + [1, 0, UInt8(header.count), 0] + header + [1, 2]))
        XCTAssertThrowsError(try NPY.read(dir + "/u8.npy")) { error in
            guard case let InteropError.unsupportedDType(_, _, dtype) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(dtype, "|u1")
        }
    }
}
