import Datasets
import Foundation
import Linalg
import TestSupport
import XCTest

/// Reads data.h5, written by h5py (tools/fixtures_data/make_data_fixtures.py).
final class HDF5ReaderTests: XCTestCase {
    func testImagesWithLabelsFromH5py() throws {
        let data = try Dataset.load(fixture("data.h5"))
        XCTAssertEqual(data.images.shape, [6, 4])
        for i in 0..<24 { XCTAssertEqual(data.images.data[i], Float((i * 37) % 256) / 255, accuracy: 1e-7) }
        XCTAssertEqual(data.labels, [0, 3, 6, 9, 2, 5])
    }

    func testNamedDatasetAndNoLabels() throws {
        let data = try Dataset.load(fixture("data.h5"), options: ReadOptions(discoverLabels: false, hdf5Dataset: "floats"))
        XCTAssertEqual(data.images, Matrix(rows: 6, cols: 4, data: (0..<24).map { Float($0 - 3) * 0.25 }))
        XCTAssertNil(data.labels)
    }

    func testMissingDatasetAndNonHDF5File() throws {
        XCTAssertThrowsError(try Dataset.open(fixture("data.h5"), options: ReadOptions(hdf5Dataset: "nope"))) { error in
            XCTAssertEqual((error as? DatasetError)?.subject, "--dataset")
            XCTAssertTrue("\(error)".contains("no dataset 'nope'"), "\(error)")
            XCTAssertTrue("\(error)".contains("images"), "lists what is there: \(error)")
        }
        let dir = try temporaryDirectory(self)
        let fake = dir + "/fake.h5"
        try write(Array("definitely not hdf5".utf8), to: fake)
        XCTAssertThrowsError(try Dataset.open(fake)) { error in
            XCTAssertEqual((error as? DatasetError)?.subject, fake)
            XCTAssertTrue("\(error)".contains("not an HDF5 file"), "\(error)")
        }
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture("data.h5")))
        let cut = dir + "/cut.h5"
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try Dataset.load(cut)) { XCTAssertEqual(($0 as? DatasetError)?.subject, cut, "\($0)") }
    }
}
