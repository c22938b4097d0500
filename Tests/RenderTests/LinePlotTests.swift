import Foundation
import Render
import TestSupport
import XCTest

final class LinePlotTests: XCTestCase {
    /// Parses the SVG with Python's XML parser and reports what a reader of the chart would see.
    private func inspect(_ svg: String) throws -> [String] {
        let dir = try temporaryDirectory(self)
        let path = dir + "/plot.svg"
        try svg.write(toFile: path, atomically: true, encoding: .utf8)
        let out = try Python.run("""
            import sys, xml.etree.ElementTree as ET
            ns = {'s': 'http://www.w3.org/2000/svg'}
            root = ET.parse(sys.argv[1]).getroot()
            for g in root.findall('s:g[@class="series"]', ns):
                lines = g.findall('s:polyline', ns)
                print('series', g.get('data-name'), len(lines), ' '.join(l.get('points') for l in lines))
            print('legend', '|'.join(t.text for t in root.findall('s:g[@class="legend"]/s:text', ns)))
            print('yticks', '|'.join(t.text for t in root.findall('.//s:text[@class="ytick"]', ns)))
            print('xticks', '|'.join(t.text for t in root.findall('.//s:text[@class="xtick"]', ns)))
            t = root.find('s:text[@class="title"]', ns)
            print('title', t.text if t is not None else '')
            """, modules: ["xml.etree.ElementTree"], arguments: [path])
        return out.split(separator: "\n").map(String.init)
    }

    private func points(_ line: String) -> [(Double, Double)] {
        line.split(separator: " ").dropFirst(3).map { p in
            let xy = p.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    func testLinearPlotHasSeriesLegendAndNiceTicks() throws {
        let plot = LinePlot(title: "loss <terms> & more", xLabel: "epoch", yLabel: "loss",
                            series: [.init(name: "reconstruction", y: [0.9, 0.5, 0.3, 0.25]), .init(name: "sparsity", y: [0.2, 0.1, 0.05, 0.02])])
        let report = try inspect(try plot.svg())
        XCTAssertTrue(report.contains { $0.hasPrefix("series reconstruction 1 ") })
        XCTAssertTrue(report.contains { $0.hasPrefix("series sparsity 1 ") })
        XCTAssertTrue(report.contains("legend reconstruction|sparsity"))
        XCTAssertTrue(report.contains("yticks 0|0.2|0.4|0.6|0.8|1"), "\(report)")
        XCTAssertTrue(report.contains("title loss <terms> & more"))
        XCTAssertTrue(report.contains("xticks 1|2|3|4"), "epochs get whole-number ticks: \(report)")
        // Lower loss is drawn lower: y grows downward in SVG.
        let recon = points(report.first { $0.hasPrefix("series reconstruction") }!)
        XCTAssertEqual(recon.count, 4)
        XCTAssertTrue(zip(recon, recon.dropFirst()).allSatisfy { $0.0 < $1.0 && $0.1 < $1.1 })
    }

    func testLogScaleSpacesDecadesEvenlyAndBreaksAtBadValues() throws {
        let plot = LinePlot(series: [.init(name: "kl", y: [100, 10, 1, .nan, 0.1, 0.01])], logScale: true)
        let report = try inspect(try plot.svg())
        let line = try XCTUnwrap(report.first { $0.hasPrefix("series kl 2 ") }, "\(report)")
        let all = points(line)
        XCTAssertEqual(all.count, 5)
        let gaps = zip(all, all.dropFirst()).map { $1.1 - $0.1 }
        for g in gaps { XCTAssertEqual(g, gaps[0], accuracy: 0.15, "each decade is the same height: \(gaps)") }
        XCTAssertTrue(report.contains("yticks 0.01|0.1|1|10|100"), "\(report)")
    }

    func testNothingToPlotIsAnError() {
        XCTAssertThrowsError(try LinePlot(series: [.init(name: "a", y: [.nan])]).svg())
        XCTAssertThrowsError(try LinePlot(series: [.init(name: "a", y: [0, -1])], logScale: true).svg()) {
            XCTAssertTrue("\($0)".contains("log scale"))
        }
        XCTAssertThrowsError(try LinePlot(series: [.init(name: "a", x: [1], y: [1, 2])]).svg())
    }
}
