import Foundation
import XCTest
@testable import Autoencoders

/// The vectorisable exp / expm1 / log1p against libm, over the ranges the activations use.
final class FastMathTests: XCTestCase {
    func relativeError(_ a: Float, _ b: Double) -> Double { Swift.abs(Double(a) - b) / Swift.max(Swift.abs(b), 1e-30) }

    func testAgainstLibm() {
        var worstExp = 0.0, worstExpm1 = 0.0, worstLog1p = 0.0
        for i in 0...20000 {
            let x = Float(-87 + 175 * Double(i) / 20000)          // [-87, 88]
            worstExp = Swift.max(worstExp, relativeError(FastMath.exp(x), Foundation.exp(Double(x))))
            let y = Float(-20 + 40 * Double(i) / 20000)           // expm1 on [-20, 20], incl. tiny |y|
            worstExpm1 = Swift.max(worstExpm1, relativeError(FastMath.expm1(y), Foundation.expm1(Double(y))))
            let t = Float(Double(i) / 20000)                      // log1p on [0, 1]
            if t > 0 { worstLog1p = Swift.max(worstLog1p, relativeError(FastMath.log1pUnit(t), Foundation.log1p(Double(t)))) }
        }
        XCTAssertLessThan(worstExp, 4e-7); XCTAssertLessThan(worstExpm1, 4e-7); XCTAssertLessThan(worstLog1p, 4e-7)
        XCTAssertEqual(FastMath.expm1(1e-6), 1e-6, accuracy: 1e-12)
        XCTAssertEqual(Activation.sigmoid.value(-200), 0, accuracy: 1e-37)
        XCTAssertEqual(Activation.sigmoid.value(200), 1)
        XCTAssertEqual(Activation.softplus.value(100), 100)
        XCTAssertEqual(Activation.softplus.value(-100), 0, accuracy: 1e-37)
        XCTAssertTrue(Activation.elu.value(-1000).isFinite)
    }
}
