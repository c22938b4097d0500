import Linalg

/// The parsed header of an IDX file and a stream positioned at its first element.
struct IDXStream {
    let stream: ByteStream
    let dimensions: [Int]
    let element: ElementType
    /// Elements per first-axis entry (784 for 28x28 images, 1 for labels).
    let rowLength: Int

    init(path: String) throws {
        stream = try ByteStream(path: path)
        let magic = try Self.header(stream, 4)
        guard magic[0] == 0, magic[1] == 0 else {
            throw DatasetError.badFormat(path: path, reason: "not an IDX file (bad magic number)")
        }
        switch magic[2] {
        case 0x08: element = ElementType(kind: .unsigned, size: 1, bigEndian: true)
        case 0x09: element = ElementType(kind: .signed, size: 1, bigEndian: true)
        case 0x0B: element = ElementType(kind: .signed, size: 2, bigEndian: true)
        case 0x0C: element = ElementType(kind: .signed, size: 4, bigEndian: true)
        case 0x0D: element = ElementType(kind: .float, size: 4, bigEndian: true)
        case 0x0E: element = ElementType(kind: .float, size: 8, bigEndian: true)
        default: throw DatasetError.badFormat(path: path, reason: "unknown IDX element type 0x\(String(magic[2], radix: 16))")
        }
        let rank = Int(magic[3])
        guard rank >= 1 else { throw DatasetError.badFormat(path: path, reason: "IDX header declares 0 dimensions") }
        let dimBytes = try Self.header(stream, 4 * rank)
        dimensions = (0..<rank).map { d in
            Int(dimBytes[(4 * d)..<(4 * d + 4)].reduce(UInt32(0)) { ($0 << 8) | UInt32($1) })
        }
        var length = 1, overflow = false
        for d in dimensions.dropFirst() {
            let (p, o) = length.multipliedReportingOverflow(by: d); length = p; overflow = overflow || o
        }
        let (total, o2) = length.multipliedReportingOverflow(by: dimensions[0] * element.size)
        guard !overflow, !o2, length > 0 || dimensions[0] == 0 else {
            throw DatasetError.badFormat(path: path, reason: "IDX dimensions \(dimensions) are not a valid array shape")
        }
        rowLength = length
        // A plain file's size is known up front: report a cut-off file before reading a byte of it.
        if !stream.isCompressed, stream.fileSize - stream.position < total {
            throw DatasetError.truncated(path: path, expectedBytes: total, gotBytes: stream.fileSize - stream.position)
        }
    }

    private static func header(_ stream: ByteStream, _ n: Int) throws -> [UInt8] {
        do { return try stream.readBytes(n) } catch DatasetError.truncated {
            throw DatasetError.badFormat(path: stream.path, reason: "not an IDX file (header cut short)")
        }
    }

    /// Reads `rows` first-axis entries as raw bytes into `buffer` (resized as needed).
    func readRows(_ rows: Int, into buffer: inout [UInt8]) throws {
        let bytes = rows * rowLength * element.size
        if buffer.count < bytes { buffer = [UInt8](repeating: 0, count: bytes) }
        do {
            try buffer.withUnsafeMutableBytes { try stream.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<bytes])) }
        } catch DatasetError.truncated(let path, _, _) {
            // Report the whole data section, as the up-front check for plain files does.
            let dataStart = 4 + 4 * dimensions.count
            throw DatasetError.truncated(path: path, expectedBytes: dimensions[0] * rowLength * element.size,
                                         gotBytes: stream.position - dataStart)
        }
    }
}

/// Streams the images (or any rank >= 1 array) of an IDX file, raw or gzip-compressed.
final class IDXReader: DatasetReader {
    let path: String
    let featureCount: Int
    private let idx: IDXStream
    private let scale: Float
    private var remaining: Int
    private var buffer: [UInt8] = []

    init(path: String, pixelRange: PixelRange) throws {
        self.path = path
        idx = try IDXStream(path: path)
        featureCount = idx.rowLength
        remaining = idx.dimensions[0]
        switch pixelRange {
        case .auto: scale = idx.element.isByte ? 1 / 255 : 1
        case .bytes: scale = 1 / 255
        case .asStored: scale = 1
        }
    }

    var rowCount: Int? { idx.dimensions[0] }
    var hasLabels: Bool { false }
    var dimensions: [Int] { idx.dimensions }
    var element: ElementType { idx.element }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        let n = min(max(maxRows, 1), remaining)
        guard n > 0 else { return nil }
        try idx.readRows(n, into: &buffer)
        remaining -= n
        var m = Matrix(rows: n, cols: featureCount)
        buffer.withUnsafeBytes { src in
            m.data.withUnsafeMutableBufferPointer { dst in
                idx.element.decode(src.baseAddress!, count: n * featureCount, into: dst.baseAddress!, scale: scale)
            }
        }
        return LabeledData(images: m)
    }

    func skip(rows: Int) throws {
        let n = min(rows, remaining)
        try idx.stream.skip(n * featureCount * idx.element.size)
        remaining -= n
    }
}

/// Streams an IDX label file (rank 1, integer values).
final class IDXLabelReader: LabelReader {
    let path: String
    let count: Int
    private let idx: IDXStream
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        idx = try IDXStream(path: path)
        guard idx.dimensions.count == 1 else {
            throw DatasetError.shapeMismatch(path: path, reason: "labels must have 1 dimension, found \(idx.dimensions.count)")
        }
        count = idx.dimensions[0]
    }

    func next(_ n: Int) throws -> [Int] {
        try idx.readRows(n, into: &buffer)
        return try buffer.withUnsafeBytes { raw in
            guard let labels = idx.element.decodeIntegers(raw.baseAddress!, count: n) else {
                throw DatasetError.badFormat(path: path, reason: "labels must be whole numbers")
            }
            return labels
        }
    }

    func skip(_ n: Int) throws { try idx.stream.skip(n * idx.element.size) }
}
