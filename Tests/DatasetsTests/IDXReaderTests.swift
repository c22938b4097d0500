import Datasets
import Foundation
import Linalg
import TestSupport
import XCTest

final class IDXReaderTests: XCTestCase {
    /// 4 images of 2x3 bytes: pixel i = (i * 37) % 256; labels r = (r * 3) % 10.
    private func makeIDX(in dir: String, images: Int = 4) throws -> (String, String) {
        let pixels = (0..<(images * 6)).map { UInt8(($0 * 37) % 256) }
        let imagesPath = dir + "/demo-images-idx3-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [images, 2, 3], body: pixels), to: imagesPath)
        let labelsPath = dir + "/demo-labels-idx1-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [images], body: (0..<images).map { UInt8(($0 * 3) % 10) }), to: labelsPath)
        return (imagesPath, labelsPath)
    }

    func testUInt8ImagesScaleToUnitRangeAndPickUpSiblingLabels() throws {
        let dir = try temporaryDirectory(self)
        let (images, _) = try makeIDX(in: dir)
        let data = try Dataset.load(images)
        XCTAssertEqual(data.images.rows, 4)
        XCTAssertEqual(data.images.cols, 6)
        for i in 0..<24 { XCTAssertEqual(data.images.data[i], Float((i * 37) % 256) / 255, accuracy: 1e-7) }
        XCTAssertEqual(data.labels, [0, 3, 6, 9])
    }

    func testGzipAndRawGiveTheSameData() throws {
        let dir = try temporaryDirectory(self)
        let (images, labels) = try makeIDX(in: dir, images: 50)
        let raw = try Dataset.load(images)
        let gzImages = try gzipFile(images)
        _ = try gzipFile(labels)
        try FileManager.default.removeItem(atPath: labels)   // the .gz sibling must be found instead
        let compressed = try Dataset.load(gzImages)
        XCTAssertEqual(raw, compressed)
        XCTAssertEqual(compressed.labels?.count, 50)
    }

    func testFloat32IDXIsTakenAsStored() throws {
        let dir = try temporaryDirectory(self)
        let values: [Float] = [-1.5, 0, 0.25, 3e5, -7, 1]
        let body = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        let path = dir + "/floats.idx"
        try write(idxBytes(type: 0x0D, dimensions: [3, 2], body: body), to: path)
        let data = try Dataset.load(path)
        XCTAssertEqual(data.images.data, values)
        XCTAssertNil(data.labels)
    }

    func testTruncatedIDXNamesTheFile() throws {
        let dir = try temporaryDirectory(self)
        let path = dir + "/cut-images-idx3-ubyte"
        try write(idxBytes(type: 0x08, dimensions: [10, 28, 28], body: [UInt8](repeating: 7, count: 100)), to: path)
        XCTAssertThrowsError(try Dataset.open(path)) { error in
            XCTAssertEqual(error as? DatasetError, .truncated(path: path, expectedBytes: 7840, gotBytes: 100))
            XCTAssertTrue("\(error)".hasPrefix(path + ": truncated"))
        }
    }

    func testTruncatedGzipIDXIsAnErrorNotShortData() throws {
        let dir = try temporaryDirectory(self)
        let (images, _) = try makeIDX(in: dir, images: 400)
        let gz = try gzipFile(images)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = dir + "/cut-images-idx3-ubyte.gz"
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try Dataset.load(cut, options: ReadOptions(discoverLabels: false))) { error in
            XCTAssertEqual((error as? DatasetError)?.subject, cut, "\(error)")
        }
    }

    func testBadMagicAndUnknownType() throws {
        let dir = try temporaryDirectory(self)
        let notIDX = dir + "/a.idx"
        try write(Array("hello world, not IDX".utf8), to: notIDX)
        XCTAssertThrowsError(try Dataset.open(notIDX)) { error in
            XCTAssertEqual(error as? DatasetError, .badFormat(path: notIDX, reason: "not an IDX file (bad magic number)"))
        }
        let badType = dir + "/b.idx"
        try write(idxBytes(type: 0x42, dimensions: [1], body: [0]), to: badType)
        XCTAssertThrowsError(try Dataset.open(badType)) { XCTAssertTrue("\($0)".contains("unknown IDX element type 0x42")) }
    }

    func testLabelCountMismatchIsReported() throws {
        let dir = try temporaryDirectory(self)
        let (images, _) = try makeIDX(in: dir)
        let other = dir + "/other.idx"
        try write(idxBytes(type: 0x08, dimensions: [3], body: [1, 2, 3]), to: other)
        XCTAssertThrowsError(try Dataset.open(images, options: ReadOptions(labelsPath: other))) { error in
            XCTAssertEqual((error as? DatasetError)?.subject, other)
            XCTAssertTrue("\(error)".contains("has 3 labels but"), "\(error)")
        }
    }

    func testRealFashionMNISTTestSplit() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("Fashion-MNIST is not installed at \(path)") }
        let reader = try Dataset.open(path)
        XCTAssertEqual(reader.rowCount, 10_000)
        XCTAssertEqual(reader.featureCount, 784)
        XCTAssertTrue(reader.hasLabels)
        let first = try XCTUnwrap(reader.nextChunk(maxRows: 1000))
        XCTAssertEqual(first.labels?.count, 1000)
        XCTAssertEqual(first.labels?.allSatisfy { (0...9).contains($0) }, true)
        XCTAssertGreaterThanOrEqual(first.images.minimum, 0)
        XCTAssertLessThanOrEqual(first.images.maximum, 1)
        // Every class appears in the first thousand test images.
        XCTAssertEqual(Set(first.labels!).count, 10)
    }
}
