import Foundation

/// A line chart of several named series (loss terms per epoch) as plain SVG text: axes with
/// "nice" ticks (1, 2, 5 x 10^k, or decades on a log scale), grid lines, axis labels, a legend.
/// Points that are not finite (or not positive on a log scale) break the line instead of bending it.
///
/// ```swift
/// var plot = LinePlot(title: "training", xLabel: "epoch", yLabel: "loss")
/// plot.series = [.init(name: "reconstruction", y: [0.09, 0.05, 0.04]), .init(name: "sparsity", y: [0.3, 0.1, 0.05])]
/// plot.logScale = true
/// try plot.write(to: "training.svg")
/// ```
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// A series at x = 1, 2, 3, ... (epochs).
        public init(name: String, y: [Double]) { self.init(name: name, x: (0..<y.count).map { Double($0 + 1) }, y: y) }
        public init(name: String, x: [Double], y: [Double]) { self.name = name; self.x = x; self.y = y }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Logarithmic y axis.
    public var logScale: Bool
    public var width: Int
    public var height: Int

    public init(title: String = "", xLabel: String = "", yLabel: String = "", series: [Series] = [], logScale: Bool = false,
                width: Int = 720, height: Int = 440) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logScale = logScale
        self.width = width
        self.height = height
    }

    /// Matplotlib's "tab10" colours, one per series in turn.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The SVG document. Throws when there is nothing to plot.
    public func svg() throws -> String {
        for s in series where s.x.count != s.y.count {
            throw RenderError.badInput(what: "series '\(s.name)'", reason: "\(s.x.count) x values for \(s.y.count) y values")
        }
        let points = series.flatMap { s in zip(s.x, s.y).filter { usable($0.0, $0.1) } }
        guard !points.isEmpty else {
            throw RenderError.badInput(what: "plot", reason: logScale ? "no finite, positive values to plot on a log scale" : "no finite values to plot")
        }
        let plotLeft = 72.0, plotTop = 36.0
        let legendWidth = 24.0 + 7.0 * Double(series.map(\.name.count).max() ?? 0)
        let plotRight = Double(width) - 16 - legendWidth, plotBottom = Double(height) - 52
        let xs = Axis.linear(points.map(\.0), integers: points.allSatisfy { $0.0 == $0.0.rounded() })
        let ys = logScale ? Axis.logarithmic(points.map(\.1)) : Axis.linear(points.map(\.1))
        func px(_ x: Double) -> Double { plotLeft + (plotRight - plotLeft) * xs.fraction(x) }
        func py(_ y: Double) -> Double { plotBottom - (plotBottom - plotTop) * ys.fraction(y) }

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>

        """
        if !title.isEmpty {
            out += "<text class=\"title\" x=\"\(f((plotLeft + plotRight) / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        }
        out += "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        for t in xs.ticks { out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(plotTop))\" x2=\"\(f(px(t)))\" y2=\"\(f(plotBottom))\"/>\n" }
        for t in ys.ticks { out += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(py(t)))\" x2=\"\(f(plotRight))\" y2=\"\(f(py(t)))\"/>\n" }
        out += "</g>\n<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n"
        out += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotBottom))\" x2=\"\(f(plotRight))\" y2=\"\(f(plotBottom))\"/>\n"
        out += "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotTop))\" x2=\"\(f(plotLeft))\" y2=\"\(f(plotBottom))\"/>\n"
        for t in xs.ticks { out += "<line x1=\"\(f(px(t)))\" y1=\"\(f(plotBottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(plotBottom + 5))\"/>\n" }
        for t in ys.ticks { out += "<line x1=\"\(f(plotLeft - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(plotLeft))\" y2=\"\(f(py(t)))\"/>\n" }
        out += "</g>\n<g class=\"tick-labels\">\n"
        for t in xs.ticks { out += "<text class=\"xtick\" x=\"\(f(px(t)))\" y=\"\(f(plotBottom + 18))\" text-anchor=\"middle\">\(label(t))</text>\n" }
        for t in ys.ticks { out += "<text class=\"ytick\" x=\"\(f(plotLeft - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(label(t))</text>\n" }
        out += "</g>\n"
        if !xLabel.isEmpty {
            out += "<text class=\"xlabel\" x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f(Double(height) - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        }
        if !yLabel.isEmpty {
            let cy = (plotTop + plotBottom) / 2
            out += "<text class=\"ylabel\" x=\"16\" y=\"\(f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(cy)))\">\(escape(yLabel))\(logScale ? " (log)" : "")</text>\n"
        }
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            out += "<g class=\"series\" data-name=\"\(escape(s.name))\" stroke=\"\(color)\" fill=\"\(color)\">\n"
            var segment: [(Double, Double)] = []
            func flush() {
                if segment.count > 1 {
                    out += "<polyline fill=\"none\" stroke-width=\"2\" points=\"\(segment.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " "))\"/>\n"
                } else if let p = segment.first {
                    out += "<circle cx=\"\(f(px(p.0)))\" cy=\"\(f(py(p.1)))\" r=\"2.5\"/>\n"
                }
                segment.removeAll()
            }
            for (x, y) in zip(s.x, s.y) {
                if usable(x, y) { segment.append((x, y)) } else { flush() }
            }
            flush()
            out += "</g>\n"
        }
        out += "<g class=\"legend\">\n"
        for (k, s) in series.enumerated() {
            let y = plotTop + 8 + 18 * Double(k), x = plotRight + 12
            out += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 16))\" y2=\"\(f(y))\" stroke=\"\(Self.palette[k % Self.palette.count])\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(x + 22))\" y=\"\(f(y + 4))\">\(escape(s.name))</text>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// Writes the SVG to `path`.
    public func write(to path: String) throws {
        let text = try svg()
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw RenderError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private func usable(_ x: Double, _ y: Double) -> Bool { x.isFinite && y.isFinite && (!logScale || y > 0) }
    private func f(_ v: Double) -> String { String(format: "%.1f", v) }
    private func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.0e", v).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-") }
        return String(format: "%g", v)
    }
    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// An axis: its domain (widened to whole ticks) and where the ticks go.
struct Axis {
    var low: Double
    var high: Double
    var ticks: [Double]
    var isLog: Bool

    func fraction(_ v: Double) -> Double {
        isLog ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
    }

    /// Ticks at 1, 2 or 5 x 10^k, about five of them, with the domain widened to the outer ticks.
    /// With `integers` (epochs, steps) the step is at least 1, so no tick falls between two epochs.
    static func linear(_ values: [Double], integers: Bool = false) -> Axis {
        var lo = values.min()!, hi = values.max()!
        if lo == hi { lo -= max(abs(lo) * 0.1, 0.5); hi += max(abs(hi) * 0.1, 0.5) }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if integers { step = max(step, 1) }
        let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
        let ticks = stride(from: first, through: last, by: 1).map { ($0 * step * 1e12).rounded() / 1e12 }
        return Axis(low: first * step, high: last * step, ticks: ticks, isLog: false)
    }

    /// Ticks at each power of ten (plus 2 and 5 times it when the data spans under two decades).
    static func logarithmic(_ values: [Double]) -> Axis {
        var lo = floor(log10(values.min()!)), hi = ceil(log10(values.max()!))
        if lo == hi { hi += 1 }   // all values equal (e.g. all exactly 1): show one decade
        var ticks: [Double] = []
        for e in Int(lo)...Int(hi) {
            let decade = pow(10, Double(e))
            ticks.append(decade)
            if hi - lo < 2, e < Int(hi) { ticks += [2 * decade, 5 * decade] }
        }
        return Axis(low: pow(10, lo), high: pow(10, hi), ticks: ticks, isLog: true)
    }
}
