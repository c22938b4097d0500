/// JSON form `{"rows": r, "cols": c, "data": [...]}` (row-major); decoding checks the count.
extension Matrix: Codable {
    enum CodingKeys: String, CodingKey { case rows, cols, data }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try c.decode(Int.self, forKey: .rows), cols = try c.decode(Int.self, forKey: .cols)
        let data = try c.decode([Float].self, forKey: .data)
        guard rows >= 0, cols >= 0, data.count == rows * cols else {
            throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "matrix \(rows)x\(cols) needs \(rows * cols) values, got \(data.count)")
        }
        self.init(rows: rows, cols: cols, data: data)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows); try c.encode(cols, forKey: .cols); try c.encode(data, forKey: .data)
    }
}
