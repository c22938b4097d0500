import Datasets
import Foundation
import Linalg
import TestSupport
import XCTest

final class CSVReaderTests: XCTestCase {
    private func csv(_ text: String, name: String = "data.csv") throws -> String {
        let path = try temporaryDirectory(self) + "/" + name
        try write(Array(text.utf8), to: path)
        return path
    }

    func testHeaderAndLabelColumnAreDetected() throws {
        let path = try csv("label,p0,p1,p2\n3,0.5,1,2\n7,-1,1e-3,4\n")
        let data = try Dataset.load(path)
        XCTAssertEqual(data.images, Matrix(rows: 2, cols: 3, data: [0.5, 1, 2, -1, 1e-3, 4]))
        XCTAssertEqual(data.labels, [3, 7])
    }

    func testLabelInTheLastColumnWithCRLFAndNoTrailingNewline() throws {
        let path = try csv("a,b,class\r\n1,2,0\r\n3,4,1")
        let data = try Dataset.load(path)
        XCTAssertEqual(data.images, Matrix(rows: 2, cols: 2, data: [1, 2, 3, 4]))
        XCTAssertEqual(data.labels, [0, 1])
    }

    func testNoHeaderNoLabelsAndExplicitFirstColumn() throws {
        let path = try csv("1,2,3\n4,5,6\n\n")
        let plain = try Dataset.load(path)
        XCTAssertEqual(plain.images, Matrix(rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6]))
        XCTAssertNil(plain.labels)
        let labelled = try Dataset.load(path, options: ReadOptions(csvLabelColumn: .first))
        XCTAssertEqual(labelled.images, Matrix(rows: 2, cols: 2, data: [2, 3, 5, 6]))
        XCTAssertEqual(labelled.labels, [1, 4])
    }

    func testBytePixelsCanBeScaled() throws {
        let path = try csv("label,pixel0,pixel1\n5,0,255\n0,51,102\n")
        let data = try Dataset.load(path, options: ReadOptions(pixelRange: .bytes))
        for (got, want) in zip(data.images.data, [0, 1, 0.2, 0.4] as [Float]) { XCTAssertEqual(got, want, accuracy: 1e-7) }
    }

    func testBadFieldsNameTheFileLineAndColumn() throws {
        let path = try csv("1,2,3\n4,x5,6\n")
        XCTAssertThrowsError(try Dataset.load(path)) { error in
            XCTAssertEqual(error as? DatasetError, .badFormat(path: path, reason: "line 2, column 2: not a number: 'x5'"))
        }
        let ragged = try csv("1,2,3\n4,5\n", name: "ragged.csv")
        XCTAssertThrowsError(try Dataset.load(ragged)) { error in
            XCTAssertEqual(error as? DatasetError, .shapeMismatch(path: ragged, reason: "line 2 has 2 columns, expected 3"))
        }
        let wide = try csv("1,2\n4,5,6\n", name: "wide.csv")
        XCTAssertThrowsError(try Dataset.load(wide)) { XCTAssertTrue("\($0)".contains("line 2 has more than 2 columns"), "\($0)") }
        let fractionalLabel = try csv("label,a\n1.5,2\n", name: "frac.csv")
        XCTAssertThrowsError(try Dataset.load(fractionalLabel)) { XCTAssertTrue("\($0)".contains("not a whole number"), "\($0)") }
        let empty = try csv("", name: "empty.csv")
        XCTAssertThrowsError(try Dataset.open(empty)) { XCTAssertEqual(($0 as? DatasetError)?.subject, empty) }
    }

    func testGzippedCSV() throws {
        let path = try csv("label,a,b\n1,0.25,0.5\n2,0.75,1\n")
        let gz = try gzipFile(path)
        XCTAssertEqual(try Dataset.load(gz), try Dataset.load(path))
    }
}
