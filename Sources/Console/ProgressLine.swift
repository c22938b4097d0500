import Foundation

/// A one-line progress report on stderr — count, percentage, rate, ETA and an optional detail such
/// as the last loss — drawn only when stderr is a terminal, so logs and pipes stay clean. Redraws
/// at most ten times a second. Dataset conversion, encoding and training all report through it.
///
/// ```swift
/// let progress = ProgressLine(label: "encode", total: reader.rowCount, unit: "rows")
/// while let chunk = try reader.nextChunk(maxRows: 4096) {
///     ...
///     progress.advance(by: chunk.rows)
/// }
/// progress.finish()     // final line with the totals, then a newline
/// ```
public final class ProgressLine {
    public let label: String
    public let total: Int?
    public let unit: String
    public private(set) var count: Int
    /// Whether anything is drawn (stderr is a terminal, unless overridden).
    public let isEnabled: Bool
    /// Items already done before this report started (a resumed epoch); they count towards the
    /// percentage but not towards the rate.
    private let countAtStart: Int
    private var detail: String?
    private let start: Double
    private var lastDraw = -1.0
    private var drawnWidth = 0

    /// Whether stderr is a terminal (the default for `enabled`).
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    public init(label: String, total: Int?, unit: String = "rows", alreadyDone: Int = 0, enabled: Bool? = nil) {
        self.label = label
        self.total = total
        self.unit = unit
        count = alreadyDone
        countAtStart = alreadyDone
        isEnabled = enabled ?? Self.stderrIsTerminal
        start = Self.now()
    }

    /// Records `n` more items done and redraws if a tenth of a second has passed. `detail` (e.g.
    /// the last loss) ends the line; it is evaluated only when the line is redrawn, so a hot loop
    /// pays nothing for it.
    public func advance(by n: Int, detail: @autoclosure () -> String? = nil) {
        count += n
        guard isEnabled else { return }
        let t = Self.now()
        if t - lastDraw >= 0.1 {
            lastDraw = t
            if let text = detail() { self.detail = text }
            draw(currentLine(elapsed: t - start))
        }
    }

    /// Draws the final state (or `summary` in its place) and ends the line.
    public func finish(summary: String? = nil) {
        guard isEnabled else { return }
        draw(summary ?? currentLine(elapsed: Self.now() - start))
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func currentLine(elapsed: Double) -> String {
        let line = Self.line(label: label, count: count, total: total, unit: unit, elapsed: elapsed, countAtStart: countAtStart)
        return detail.map { line + "  " + $0 } ?? line
    }

    private func draw(_ text: String) {
        let padding = String(repeating: " ", count: max(0, drawnWidth - text.count))
        drawnWidth = text.count
        FileHandle.standardError.write(Data(("\r" + text + padding).utf8))
    }

    /// The text of one report, e.g. `encode  30,000/60,000 rows  50.0%  12.3k rows/s  ETA 0:02`.
    /// The rate counts only the items done since `countAtStart`.
    public static func line(label: String, count: Int, total: Int?, unit: String, elapsed: Double, countAtStart: Int = 0) -> String {
        var parts = [label]
        if let total {
            parts.append("\(grouped(count))/\(grouped(total)) \(unit)")
            let percent = total > 0 ? 100 * Double(count) / Double(total) : 100
            parts.append(String(format: "%.1f%%", percent))
        } else {
            parts.append("\(grouped(count)) \(unit)")
        }
        let rate = elapsed > 0 ? Double(count - countAtStart) / elapsed : 0
        parts.append("\(compact(rate)) \(unit)/s")
        if let total, rate > 0, count < total {
            parts.append("ETA \(clock(Double(total - count) / rate))")
        } else if let total, count >= total {
            parts.append("in \(clock(elapsed))")
        }
        return parts.joined(separator: "  ")
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// 12345.6 -> "12.3k"; 950 -> "950".
    static func compact(_ x: Double) -> String {
        switch x {
        case 1e9...: String(format: "%.1fG", x / 1e9)
        case 1e6...: String(format: "%.1fM", x / 1e6)
        case 1e4...: String(format: "%.1fk", x / 1e3)
        default: String(format: "%.0f", x)
        }
    }

    /// Seconds as m:ss or h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? seconds.rounded() : 0)
        let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, sec) : String(format: "%d:%02d", m, sec)
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
