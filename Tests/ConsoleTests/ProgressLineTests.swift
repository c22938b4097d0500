import Console
import XCTest

final class ProgressLineTests: XCTestCase {
    func testLineShowsCountPercentRateAndETA() {
        XCTAssertEqual(ProgressLine.line(label: "encode", count: 30_000, total: 60_000, unit: "rows", elapsed: 2),
                       "encode  30,000/60,000 rows  50.0%  15.0k rows/s  ETA 0:02")
        XCTAssertEqual(ProgressLine.line(label: "encode", count: 60_000, total: 60_000, unit: "rows", elapsed: 65),
                       "encode  60,000/60,000 rows  100.0%  923 rows/s  in 1:05")
        XCTAssertEqual(ProgressLine.line(label: "read", count: 1_234_567, total: nil, unit: "rows", elapsed: 0.5),
                       "read  1,234,567 rows  2.5M rows/s")
    }

    func testDisabledReporterCountsButDrawsNothing() {
        let p = ProgressLine(label: "x", total: 10, enabled: false)
        p.advance(by: 4); p.advance(by: 6); p.finish()
        XCTAssertEqual(p.count, 10)
        XCTAssertFalse(p.isEnabled)
    }
}
