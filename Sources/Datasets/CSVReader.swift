import Foundation
import Linalg

/// Streams a delimited text file (CSV, plain or gzip): one sample per line, an optional header
/// line, an optional integer label in the first or last column.
///
/// The row count is found up front by one counting pass over the file (fast, and in bounded
/// memory), so shards and progress bars work for CSV as for the binary formats.
final class CSVReader: DatasetReader {
    let path: String
    let featureCount: Int
    let hasHeader: Bool
    let labelColumn: CSVLabelColumn
    let columnNames: [String]?
    private var lines: LineReader
    private let delimiter: UInt8
    private let scale: Float
    private let rows: Int
    private var remaining: Int
    private var fields: [Float] = []

    static let labelNames: Set<String> = ["label", "labels", "class", "target", "y"]

    init(path: String, options: ReadOptions) throws {
        self.path = path
        delimiter = options.csvDelimiter
        scale = options.pixelRange == .bytes ? 1 / 255 : 1
        // Look at the first line: its fields decide header and label column.
        let probe = LineReader(stream: try ByteStream(path: path))
        guard let first = try probe.next({ Self.split($0, delimiter: options.csvDelimiter) }) else {
            throw DatasetError.badFormat(path: path, reason: "empty CSV file (no rows)")
        }
        let looksLikeHeader = first.contains { Self.number($0) == nil }
        hasHeader = options.csvHeader ?? looksLikeHeader
        columnNames = hasHeader ? first.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'")) } : nil
        switch options.csvLabelColumn {
        case .auto:
            if let names = columnNames, let f = names.first, Self.labelNames.contains(f.lowercased()) {
                labelColumn = .first
            } else if let names = columnNames, let l = names.last, names.count > 1, Self.labelNames.contains(l.lowercased()) {
                labelColumn = .last
            } else {
                labelColumn = .none
            }
        case let explicit: labelColumn = explicit
        }
        let featureCount = first.count - (labelColumn == .none ? 0 : 1)
        guard featureCount >= 1 else {
            throw DatasetError.shapeMismatch(path: path, reason: "CSV rows have \(first.count) column(s), leaving no features besides the label")
        }
        self.featureCount = featureCount
        // Counting pass: the probe goes on to the end; then a fresh stream delivers the rows.
        var n = 1
        while try probe.next({ _ in () }) != nil { n += 1 }
        rows = n - (hasHeader ? 1 : 0)
        remaining = rows
        lines = LineReader(stream: try ByteStream(path: path))
        if hasHeader { _ = try lines.next { _ in () } }
        fields = [Float](repeating: 0, count: first.count)
    }

    var rowCount: Int? { rows }
    var hasLabels: Bool { labelColumn != .none }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        let n = min(max(maxRows, 1), remaining)
        guard n > 0 else { return nil }
        var m = Matrix(rows: n, cols: featureCount)
        var labels: [Int] = []
        if hasLabels { labels.reserveCapacity(n) }
        let columns = featureCount + (hasLabels ? 1 : 0)
        let featureOffset = labelColumn == .first ? 1 : 0
        for r in 0..<n {
            let parsed: Void? = try lines.next { line in try parse(line, columns: columns) }
            guard parsed != nil else {
                throw DatasetError.badFormat(path: path, reason: "ended after \(rows - remaining + r) of \(rows) rows (file changed while reading?)")
            }
            for j in 0..<featureCount { m.data[r * featureCount + j] = fields[featureOffset + j] * scale }
            if hasLabels {
                let v = fields[labelColumn == .first ? 0 : columns - 1]
                guard v.isFinite, v == v.rounded(), abs(v) < 1e9 else {
                    throw DatasetError.badFormat(path: path, reason: "line \(lines.lineNumber): label '\(v)' is not a whole number")
                }
                labels.append(Int(v))
            }
        }
        remaining -= n
        return LabeledData(images: m, labels: hasLabels ? labels : nil)
    }

    func skip(rows: Int) throws {
        let n = min(rows, remaining)
        for _ in 0..<n { _ = try lines.next { _ in () } }
        remaining -= n
    }

    /// Parses one NUL-terminated line into `fields` with strtof; every field must be a number.
    private func parse(_ line: UnsafeMutableBufferPointer<UInt8>, columns: Int) throws {
        var column = 0
        var p = UnsafeMutableRawPointer(line.baseAddress!).assumingMemoryBound(to: CChar.self)
        let lineEnd = p + line.count
        while true {
            var endPtr: UnsafeMutablePointer<CChar>? = nil
            let v = strtof(p, &endPtr)
            var e = endPtr ?? p
            while e < lineEnd, e.pointee == 0x20 || e.pointee == 0x09 { e += 1 }
            guard e != p, e == lineEnd || UInt8(bitPattern: e.pointee) == delimiter else {
                var q = p
                while q < lineEnd, UInt8(bitPattern: q.pointee) != delimiter { q += 1 }
                let text = String(decoding: UnsafeRawBufferPointer(start: p, count: min(q - p, 40)), as: UTF8.self)
                throw DatasetError.badFormat(path: path, reason: "line \(lines.lineNumber), column \(column + 1): not a number: '\(text)'")
            }
            guard column < columns else {
                throw DatasetError.shapeMismatch(path: path, reason: "line \(lines.lineNumber) has more than \(columns) columns")
            }
            fields[column] = v
            column += 1
            if e == lineEnd { break }
            p = e + 1
        }
        guard column == columns else {
            throw DatasetError.shapeMismatch(path: path, reason: "line \(lines.lineNumber) has \(column) columns, expected \(columns)")
        }
    }

    static func split(_ line: UnsafeMutableBufferPointer<UInt8>, delimiter: UInt8) -> [String] {
        line.split(separator: delimiter, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    static func number(_ field: String) -> Float? {
        Float(field.trimmingCharacters(in: .whitespaces))
    }
}
