import Foundation
import XCTest
import Linalg
@testable import Checkpoint

/// The hand-written pieces the reader and writer use instead of slower library calls: each must
/// agree with the library it replaces.
final class ReaderInternalsTests: XCTestCase {
    func testFiniteCheckFindsTheFirstNaNOrInfinityAnywhere() {
        var values = [Float](repeating: 0.5, count: 1037)
        values[3] = .greatestFiniteMagnitude
        values[4] = -.greatestFiniteMagnitude
        values[5] = .leastNonzeroMagnitude
        values[6] = -0.0
        XCTAssertNil(FiniteCheck.firstNonFinite(values))
        XCTAssertNil(FiniteCheck.firstNonFinite([]))
        for bad in [Float.nan, -.nan, .signalingNaN, .infinity, -.infinity] {
            // Positions inside the vectorised body and in the scalar tail.
            for position in [0, 1, 511, 1030, 1036] {
                var copy = values
                copy[position] = bad
                XCTAssertEqual(FiniteCheck.firstNonFinite(copy), position, "\(bad) at \(position)")
            }
        }
        var two = values
        two[700] = .infinity
        two[90] = .nan
        XCTAssertEqual(FiniteCheck.firstNonFinite(two), 90)
    }

    func testTimeStampsMatchFoundationsISO8601Formatter() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var rng = RandomSource(seed: 7)
        var seconds: [Double] = [0, -1, 86_399, 86_400, 951_782_400 /* 2000-02-29 */, 4_107_542_399 /* 2100-02-28T23:59:59 */,
                                 -2_208_988_800 /* 1900-01-01 */, 253_402_300_799 /* 9999-12-31T23:59:59 */]
        for _ in 0..<500 { seconds.append((rng.nextUniform() * 2 - 0.5) * 8e9) }
        for s in seconds {
            let date = Date(timeIntervalSince1970: s.rounded(.down))
            let text = ISO8601Time.format(date)
            XCTAssertEqual(text, formatter.string(from: date), "\(s)")
            XCTAssertEqual(ISO8601Time.parse(text), date, text)
            XCTAssertEqual(ISO8601Time.parse(text), formatter.date(from: text), text)
        }
        XCTAssertEqual(ISO8601Time.format(Date(timeIntervalSince1970: 1_795_593_688.9)), "2026-11-25T08:01:28Z")
    }

    func testTimeStampsWithOffsetsAndFractionsParseAndNonsenseDoesNot() {
        let utc = ISO8601Time.parse("2026-11-25T08:01:35Z")
        XCTAssertEqual(utc, Date(timeIntervalSince1970: 1_795_593_695))
        XCTAssertEqual(ISO8601Time.parse("2026-11-25T09:31:35+01:30"), utc)
        XCTAssertEqual(ISO8601Time.parse("2026-11-25T03:01:35-0500"), utc)
        XCTAssertEqual(ISO8601Time.parse("2026-11-25T08:01:35.250Z"), Date(timeIntervalSince1970: 1_795_593_695.25))
        for bad in ["", "yesterday", "2026-11-25", "2026-11-25T08:01:35", "2026-11-25 08:01:35Z", "2026-13-01T00:00:00Z",
                    "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T08:60:00Z",
                    "2026-11-25T08:01:35Zjunk", "2026-11-25T08:01:35.Z", "2026-11-25T08:01:35+1", "+2026-11-25T08:01:35Z"] {
            XCTAssertNil(ISO8601Time.parse(bad), bad)
        }
        XCTAssertNotNil(ISO8601Time.parse("2024-02-29T00:00:00Z"))
    }

    func testBackgroundDigestsEqualTheDocumentedDigests() {
        let variables = sampleVariables()
        let digests = BackgroundDigests()
        for (name, tensor) in variables { digests.add(name, tensor, whole: true, own: true) }
        XCTAssertEqual(digests.wholeDigest(), VariableDigest.hex(of: variables))
        for (name, tensor) in variables { XCTAssertEqual(digests.digest(of: name), VariableDigest.hex(name: name, tensor: tensor)) }
    }
}
