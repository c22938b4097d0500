import Datasets
import Foundation
import Linalg
import TestSupport
import XCTest

/// Reads the arrays numpy wrote (tools/fixtures_data/make_data_fixtures.py).
final class NPYReaderTests: XCTestCase {
    private func floats(_ n: Int) -> [Float] { (0..<n).map { Float($0 - 3) * 0.25 } }

    func testUInt8ThreeDimensionalArrayFlattensAndScales() throws {
        let data = try Dataset.load(fixture("u8_5x2x3.npy"))
        XCTAssertEqual(data.images.shape, [5, 6])
        for i in 0..<30 { XCTAssertEqual(data.images.data[i], Float((i * 37) % 256) / 255, accuracy: 1e-7) }
        let raw = try Dataset.load(fixture("u8_5x2x3.npy"), options: ReadOptions(pixelRange: .asStored))
        XCTAssertEqual(raw.images.data, (0..<30).map { Float(($0 * 37) % 256) })
    }

    func testFloat32Float64BigEndianVersion2AndGzip() throws {
        XCTAssertEqual(try Dataset.load(fixture("f4_4x3.npy")).images, Matrix(rows: 4, cols: 3, data: floats(12)))
        XCTAssertEqual(try Dataset.load(fixture("f8be_3x2.npy")).images, Matrix(rows: 3, cols: 2, data: floats(6)))
        XCTAssertEqual(try Dataset.load(fixture("f4_v2_4x3.npy")).images, Matrix(rows: 4, cols: 3, data: floats(12)))
        XCTAssertEqual(try Dataset.load(fixture("f4_4x3.npy.gz")).images, Matrix(rows: 4, cols: 3, data: floats(12)))
    }

    func testLabelsFromASeparateNPYFile() throws {
        let data = try Dataset.load(fixture("u8_5x2x3.npy"), options: ReadOptions(labelsPath: fixture("labels_5.npy")))
        XCTAssertEqual(data.labels, [0, 3, 6, 9, 2])
        XCTAssertEqual(try Dataset.loadLabels(fixture("labels_5.npy")), [0, 3, 6, 9, 2])
    }

    func testFortranOrderIsRejectedWithAHint() throws {
        XCTAssertThrowsError(try Dataset.open(fixture("fortran_3x2.npy"))) { error in
            XCTAssertEqual((error as? DatasetError)?.subject, fixture("fortran_3x2.npy"))
            XCTAssertTrue("\(error)".contains("ascontiguousarray"), "\(error)")
        }
    }

    func testTruncatedAndCorruptNPYNameTheFile() throws {
        let dir = try temporaryDirectory(self)
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture("f4_4x3.npy")))
        let cut = dir + "/cut.npy"
        try whole.prefix(whole.count - 5).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try Dataset.open(cut)) { error in
            XCTAssertEqual(error as? DatasetError, .truncated(path: cut, expectedBytes: 48, gotBytes: 43))
        }
        let badMagic = dir + "/bad.npy"
        try write([0x93] + Array("NUMPX".utf8) + [1, 0, 0, 0], to: badMagic)
        XCTAssertThrowsError(try Dataset.open(badMagic)) { XCTAssertTrue("\($0)".contains("magic string is not correct"), "\($0)") }

        func npy(_ dict: String, dataBytes: Int) -> [UInt8] {
            var header = Array(dict.utf8)
            let padded = (10 + header.count + 1 + 63) / 64 * 64 - 10
            header += [UInt8](repeating: 0x20, count: padded - header.count - 1) + [0x0A]
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
                + [UInt8](repeating: 0, count: dataBytes)
        }
        let badKeys = dir + "/keys.npy"
        try write(npy("{'descr': '<f4', 'shape': (2, 2), 'extra': 1, }", dataBytes: 16), to: badKeys)
        XCTAssertThrowsError(try Dataset.open(badKeys)) { XCTAssertTrue("\($0)".contains("correct keys"), "\($0)") }
        let complex = dir + "/c8.npy"
        try write(npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1, 1), }", dataBytes: 8), to: complex)
        XCTAssertThrowsError(try Dataset.open(complex)) { XCTAssertTrue("\($0)".contains("not supported"), "\($0)") }
        let oneD = dir + "/flat.npy"
        try write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", dataBytes: 16), to: oneD)
        XCTAssertThrowsError(try Dataset.open(oneD)) { XCTAssertTrue("\($0)".contains("rows x features"), "\($0)") }
        // A hostile shape must not allocate: it is checked against the file size first.
        let huge = dir + "/huge.npy"
        try write(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 784), }", dataBytes: 16), to: huge)
        XCTAssertThrowsError(try Dataset.open(huge)) { XCTAssertEqual(($0 as? DatasetError)?.subject, huge) }
        // Nor may a header of nested brackets exhaust the stack (v1 headers hold up to 65,535 characters).
        let nested = dir + "/nested.npy"
        try write(npy(String(repeating: "{'a': (", count: 6_000), dataBytes: 0), to: nested)
        XCTAssertThrowsError(try Dataset.open(nested)) { XCTAssertTrue("\($0)".contains("nested deeper"), "\($0)") }
    }
}
