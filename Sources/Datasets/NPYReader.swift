import Linalg

/// Streams the rows of a NumPy `.npy` array (C order; uint/int 8-64 bit, float32, float64; either
/// byte order; plain or gzip-compressed). An array of shape `(N, d1, d2, ...)` gives N rows of
/// `d1*d2*...` values.
final class NPYReader: DatasetReader {
    let path: String
    let featureCount: Int
    let header: NPYHeader
    private let stream: ByteStream
    private let element: ElementType
    private let scale: Float
    private let rows: Int
    private var remaining: Int
    private var buffer: [UInt8] = []
    private let dataStart: Int

    init(path: String, pixelRange: PixelRange) throws {
        self.path = path
        stream = try ByteStream(path: path)
        header = try NPYHeader.read(from: stream)
        dataStart = stream.position
        (element, rows, featureCount) = try Self.layout(header, path: path, rank: 2...)
        remaining = rows
        switch pixelRange {
        case .auto: scale = element.isByte ? 1 / 255 : 1
        case .bytes: scale = 1 / 255
        case .asStored: scale = 1
        }
        try Self.checkSize(stream, rows * featureCount * element.size)
    }

    /// The element type, row count and row length of an array, checked for what aezoo reads.
    static func layout(_ header: NPYHeader, path: String, rank: PartialRangeFrom<Int>) throws -> (ElementType, Int, Int) {
        guard let element = header.elementType else {
            throw DatasetError.badFormat(path: path, reason: "NPY dtype '\(header.descr)' is not supported (use uint8, int, float32 or float64)")
        }
        guard !header.fortranOrder || header.shape.count < 2 else {
            throw DatasetError.badFormat(path: path, reason: "Fortran-order arrays are not supported; save np.ascontiguousarray(x) instead")
        }
        guard rank.contains(header.shape.count) else {
            throw DatasetError.shapeMismatch(path: path, reason: "NPY shape \(header.shape) has \(header.shape.count) dimensions, expected \(rank.lowerBound == 2 ? "rows x features (2 or more)" : "at least \(rank.lowerBound)")")
        }
        var length = 1
        for d in header.shape.dropFirst() {
            let (p, o) = length.multipliedReportingOverflow(by: d)
            guard !o else { throw DatasetError.badFormat(path: path, reason: "NPY shape \(header.shape) overflows") }
            length = p
        }
        let (_, o) = (header.shape.first ?? 1).multipliedReportingOverflow(by: length * element.size)
        guard !o else { throw DatasetError.badFormat(path: path, reason: "NPY shape \(header.shape) overflows") }
        return (element, header.shape.first ?? 1, length)
    }

    /// A plain file's size is known up front: report a cut-off file before decoding any of it.
    static func checkSize(_ stream: ByteStream, _ dataBytes: Int) throws {
        if !stream.isCompressed, stream.fileSize - stream.position < dataBytes {
            throw DatasetError.truncated(path: stream.path, expectedBytes: dataBytes, gotBytes: stream.fileSize - stream.position)
        }
    }

    var rowCount: Int? { rows }
    var hasLabels: Bool { false }

    func nextChunk(maxRows: Int) throws -> LabeledData? {
        let n = min(max(maxRows, 1), remaining)
        guard n > 0 else { return nil }
        let bytes = n * featureCount * element.size
        if buffer.count < bytes { buffer = [UInt8](repeating: 0, count: bytes) }
        do {
            try buffer.withUnsafeMutableBytes { try stream.readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<bytes])) }
        } catch DatasetError.truncated {
            throw DatasetError.truncated(path: path, expectedBytes: rows * featureCount * element.size, gotBytes: stream.position - dataStart)
        }
        remaining -= n
        var m = Matrix(rows: n, cols: featureCount)
        buffer.withUnsafeBytes { src in
            m.data.withUnsafeMutableBufferPointer { dst in
                element.decode(src.baseAddress!, count: n * featureCount, into: dst.baseAddress!, scale: scale)
            }
        }
        return LabeledData(images: m)
    }

    func skip(rows: Int) throws {
        let n = min(rows, remaining)
        try stream.skip(n * featureCount * element.size)
        remaining -= n
    }
}

/// Streams integer labels from a 1-D `.npy` array (or an `(N, 1)` one).
final class NPYLabelReader: LabelReader {
    let path: String
    let count: Int
    private let stream: ByteStream
    private let element: ElementType
    private var buffer: [UInt8] = []

    init(path: String) throws {
        self.path = path
        stream = try ByteStream(path: path)
        let header = try NPYHeader.read(from: stream)
        let (element, rows, length) = try NPYReader.layout(header, path: path, rank: 1...)
        guard length == 1 else {
            throw DatasetError.shapeMismatch(path: path, reason: "labels must be 1-D (N,) or (N, 1), found shape \(header.shape)")
        }
        self.element = element
        count = rows
        try NPYReader.checkSize(stream, rows * element.size)
    }

    func next(_ n: Int) throws -> [Int] {
        buffer = try stream.readBytes(n * element.size)
        return try buffer.withUnsafeBytes { raw in
            guard let labels = element.decodeIntegers(raw.baseAddress!, count: n) else {
                throw DatasetError.badFormat(path: path, reason: "labels must be whole numbers")
            }
            return labels
        }
    }

    func skip(_ n: Int) throws { try stream.skip(n * element.size) }
}
