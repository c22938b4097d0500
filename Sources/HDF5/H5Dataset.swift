import CHDF5
import Dispatch
import Synchronization

/// An n-dimensional array stored in a file. Reads and writes go through a Swift element type
/// (`Float`, `Double`, `Int32`, `Int64`, `UInt8`); HDF5 converts between numeric types
/// (e.g. a float64 dataset read as `[Float]`), strings are refused.
///
/// ```swift
/// let d = try file.createDataset("x", dtype: .float32, shape: [0, 784],
///                                options: .init(deflateLevel: 4, resizable: true))
/// try d.append(batch)                       // grows axis 0
/// let rows: [Float] = try d.readRows(10..<20)
/// ```
public final class H5Dataset: H5Object {
    /// The current shape (axis 0 grows with `append`).
    public func shape() throws -> [Int] {
        let space = H5Handle.dataspace(try h5Check(H5Dget_space(try liveID()), "get shape of \(name)", path: file.path))
        return try dims(of: space.id).current
    }

    /// The maximum shape; `nil` entries are unlimited.
    public func maxShape() throws -> [Int?] {
        let space = H5Handle.dataspace(try h5Check(H5Dget_space(try liveID()), "get shape of \(name)", path: file.path))
        return try dims(of: space.id).max
    }

    /// The stored element type, or nil if it is not one of `H5DType` (strings, compounds, ...).
    public func dtype() throws -> H5DType? {
        let type = H5Handle.datatype(try h5Check(H5Dget_type(try liveID()), "get type of \(name)", path: file.path))
        return H5DType(fileTypeID: type.id)
    }

    /// True if the stored type is little-endian (aezoo always writes little-endian).
    public func isLittleEndian() throws -> Bool {
        let type = H5Handle.datatype(try h5Check(H5Dget_type(try liveID()), "get type of \(name)", path: file.path))
        return H5Tget_order(type.id) == H5T_ORDER_LE
    }

    /// The storage options the dataset was created with (chunks, filters, resizability).
    public func storageOptions() throws -> H5DatasetOptions {
        let id = try liveID()
        let what = "read storage options of \(name)"
        let dcpl = H5Handle.propertyList(try h5Check(H5Dget_create_plist(id), what, path: file.path))
        var options = H5DatasetOptions()
        options.resizable = try maxShape().first.map { $0 == nil } ?? false
        guard H5Pget_layout(dcpl.id) == H5D_CHUNKED else { return options }
        var chunk = [hsize_t](repeating: 0, count: 32)
        let rank = try h5Check(H5Pget_chunk(dcpl.id, 32, &chunk), what, path: file.path)
        options.chunks = chunk.prefix(Int(rank)).map { Int($0) }
        let filterCount = try h5Check(H5Pget_nfilters(dcpl.id), what, path: file.path)
        for index in 0..<UInt32(filterCount) {
            var flags: UInt32 = 0
            var valueCount = 8
            var values = [UInt32](repeating: 0, count: 8)
            var filterConfig: UInt32 = 0
            let filter = H5Pget_filter2(dcpl.id, index, &flags, &valueCount, &values, 0, nil, &filterConfig)
            switch filter {
            case H5Z_FILTER_DEFLATE: options.deflateLevel = Int(values[0])
            case H5Z_FILTER_FLETCHER32: options.fletcher32 = true
            case H5Z_FILTER_SHUFFLE: options.shuffle = true
            default: break
            }
        }
        return options
    }

    /// The filters in pipeline order (shuffle, deflate, fletcher32, ... as HDF5 ids).
    func filterOrder() throws -> [H5Z_filter_t] {
        let dcpl = H5Handle.propertyList(try h5Check(H5Dget_create_plist(try liveID()), "read filters of \(name)", path: file.path))
        let count = try h5Check(H5Pget_nfilters(dcpl.id), "read filters of \(name)", path: file.path)
        return (0..<UInt32(count)).map { index in
            var flags: UInt32 = 0, valueCount = 8, config: UInt32 = 0
            var values = [UInt32](repeating: 0, count: 8)
            return H5Pget_filter2(dcpl.id, index, &flags, &valueCount, &values, 0, nil, &config)
        }
    }

    /// Bytes the dataset occupies in the file (after compression).
    public func storageSize() throws -> Int { Int(H5Dget_storage_size(try liveID())) }

    /// Writes the whole dataset; `values.count` must equal the element count of the current shape.
    public func write<T: H5Element>(_ values: [T]) throws {
        let id = try liveID()
        let shape = try self.shape()
        guard values.count == shape.reduce(1, *) else {
            throw HDF5Error.shapeMismatch(path: file.path, object: name, expected: shape, found: [values.count])
        }
        if let plan = try chunkPlan(T.self, shape: shape) {
            try writeChunks(values, plan: plan)
            return
        }
        try values.withUnsafeBufferPointer { p in
            _ = try h5Check(H5Dwrite(id, T.h5DType.nativeType, aezoo_h5s_all(), aezoo_h5s_all(), aezoo_h5p_default(), p.baseAddress),
                            "write \(name)", path: file.path)
        }
    }

    /// Reads every element, row-major.
    public func read<T: H5Element>(as type: T.Type = T.self) throws -> [T] {
        let id = try liveID()
        try checkNumeric(T.self)
        let shape = try self.shape()
        let count = shape.reduce(1, *)
        try checkAllocation(bytes: count.multipliedReportingOverflow(by: MemoryLayout<T>.stride).overflow ? -1 : count * MemoryLayout<T>.stride, object: name)
        if let plan = try chunkPlan(T.self, shape: shape), let values: [T] = try readChunks(plan: plan, count: count) {
            return values
        }
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let status = H5Dread(id, T.h5DType.nativeType, aezoo_h5s_all(), aezoo_h5s_all(), aezoo_h5p_default(), buffer.baseAddress)
            if status < 0 {
                initialized = 0
                throw HDF5Error.library(path: file.path, operation: "read \(name)", messages: currentErrorMessages())
            }
            initialized = count
        }
    }

    /// Reads rows `range` of axis 0 (a hyperslab), row-major.
    public func readRows<T: H5Element>(_ range: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        let id = try liveID()
        try checkNumeric(T.self)
        let shape = try self.shape()
        guard let rows = shape.first, range.lowerBound >= 0, range.upperBound <= rows else {
            throw HDF5Error.invalidArgument(path: file.path, object: name, reason: "rows \(range) are outside shape \(shape)")
        }
        let rowCount = shape.dropFirst().reduce(1, *)
        let count = range.count * rowCount
        try checkAllocation(bytes: count * MemoryLayout<T>.stride, object: name)
        if count == 0 { return [] }
        let what = "read rows \(range) of \(name)"
        let fileSpace = H5Handle.dataspace(try h5Check(H5Dget_space(id), what, path: file.path))
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(range.lowerBound)
        var counts = shape.map { hsize_t($0) }
        counts[0] = hsize_t(range.count)
        try h5Check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &counts, nil), what, path: file.path)
        let memSpace = H5Handle.dataspace(try h5Check(H5Screate_simple(Int32(counts.count), &counts, nil), what, path: file.path))
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let status = H5Dread(id, T.h5DType.nativeType, memSpace.id, fileSpace.id, aezoo_h5p_default(), buffer.baseAddress)
            if status < 0 {
                initialized = 0
                throw HDF5Error.library(path: file.path, operation: what, messages: currentErrorMessages())
            }
            initialized = count
        }
    }

    /// Appends whole rows along axis 0 of a `resizable` dataset. `values.count` must be a
    /// multiple of the row size (the product of the other dimensions). Returns the new row count.
    @discardableResult
    public func append<T: H5Element>(_ values: [T]) throws -> Int {
        let id = try liveID()
        let shape = try self.shape()
        guard try maxShape().first.map({ $0 == nil }) == true else {
            throw HDF5Error.invalidArgument(path: file.path, object: name, reason: "cannot append: axis 0 is not resizable (create it with resizable: true)")
        }
        let rowSize = shape.dropFirst().reduce(1, *)
        guard rowSize > 0, values.count % rowSize == 0 else {
            throw HDF5Error.shapeMismatch(path: file.path, object: name, expected: [-1] + shape.dropFirst(), found: [values.count])
        }
        let newRows = values.count / rowSize
        if newRows == 0 { return shape[0] }
        let what = "append \(newRows) rows to \(name)"
        var extent = shape.map { hsize_t($0) }
        extent[0] += hsize_t(newRows)
        try h5Check(H5Dset_extent(id, &extent), what, path: file.path)
        let fileSpace = H5Handle.dataspace(try h5Check(H5Dget_space(id), what, path: file.path))
        var start = [hsize_t](repeating: 0, count: shape.count)
        start[0] = hsize_t(shape[0])
        var counts = shape.map { hsize_t($0) }
        counts[0] = hsize_t(newRows)
        try h5Check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, &start, nil, &counts, nil), what, path: file.path)
        let memSpace = H5Handle.dataspace(try h5Check(H5Screate_simple(Int32(counts.count), &counts, nil), what, path: file.path))
        try values.withUnsafeBufferPointer { p in
            _ = try h5Check(H5Dwrite(id, T.h5DType.nativeType, memSpace.id, fileSpace.id, aezoo_h5p_default(), p.baseAddress), what, path: file.path)
        }
        return Int(extent[0])
    }

    /// Where each stored chunk lives in the file: (byte offset, stored size). For tests that
    /// damage specific bytes, and for diagnostics.
    func storedChunkRanges() throws -> [(offset: Int, size: Int)] {
        let id = try liveID()
        let space = H5Handle.dataspace(try h5Check(H5Dget_space(id), "get chunks of \(name)", path: file.path))
        var count: hsize_t = 0
        try h5Check(H5Dget_num_chunks(id, space.id, &count), "count chunks of \(name)", path: file.path)
        return try (0..<count).map { index in
            var offset = [hsize_t](repeating: 0, count: 32)
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            try h5Check(H5Dget_chunk_info(id, space.id, index, &offset, &mask, &address, &size), "locate chunk \(index) of \(name)", path: file.path)
            return (Int(address), Int(size))
        }
    }

    // MARK: Parallel chunk I/O

    /// How a dataset's chunks map onto a row-major buffer, when we can run its filters ourselves.
    struct ChunkPlan {
        var pipeline: H5ChunkPipeline
        var chunkRows: Int
        var rowBytes: Int
        var rows: Int
        var chunkBytes: Int { chunkRows * rowBytes }
        var chunkCount: Int { (rows + chunkRows - 1) / chunkRows }
    }

    /// A plan for chunks of whole rows with a filter pipeline we implement, stored in the
    /// element type `T` itself (no conversion) in native byte order; nil means "let HDF5 do it".
    /// `growing` plans for a resizable dataset that may still be empty (appends).
    func chunkPlan<T: H5Element>(_ type: T.Type, shape: [Int], growing: Bool = false) throws -> ChunkPlan? {
        #if _endian(little)
        guard let rows = shape.first, rows > 0 || growing, shape.dropFirst().allSatisfy({ $0 > 0 }) else { return nil }
        let options = try storageOptions()
        guard let chunks = options.chunks, chunks.count == shape.count, Array(chunks.dropFirst()) == Array(shape.dropFirst()),
              try dtype() == T.h5DType, try isLittleEndian() else { return nil }
        let order = try filterOrder()
        guard !order.isEmpty, let pipeline = H5ChunkPipeline(options: options, filterOrder: order, elementSize: T.h5DType.byteSize) else { return nil }
        return ChunkPlan(pipeline: pipeline, chunkRows: chunks[0], rowBytes: shape.dropFirst().reduce(1, *) * T.h5DType.byteSize, rows: rows)
        #else
        return nil
        #endif
    }

    private func chunkOffset(_ k: Int, plan: ChunkPlan, rank: Int) -> [hsize_t] {
        var offset = [hsize_t](repeating: 0, count: rank)
        offset[0] = hsize_t(k * plan.chunkRows)
        return offset
    }

    /// Encodes all chunks in parallel, then hands the finished bytes to HDF5 one by one.
    private func writeChunks<T: H5Element>(_ values: [T], plan: ChunkPlan) throws {
        let id = try liveID()
        let rank = try shape().count
        var encoded = [[UInt8]](repeating: [], count: plan.chunkCount)
        values.withUnsafeBytes { raw in
            encoded.withUnsafeMutableBufferPointer { out in
                let shared = UncheckedSendable(value: (raw, out))
                DispatchQueue.concurrentPerform(iterations: plan.chunkCount) { k in
                    let (raw, out) = shared.value
                    let start = k * plan.chunkBytes, end = Swift.min(start + plan.chunkBytes, raw.count)
                    if end - start == plan.chunkBytes {
                        out[k] = plan.pipeline.encode(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    } else {
                        // HDF5 stores edge chunks at full size; the padding is never read.
                        var padded = [UInt8](repeating: 0, count: plan.chunkBytes)
                        padded.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
                        out[k] = padded.withUnsafeBytes { plan.pipeline.encode($0) }
                    }
                }
            }
        }
        for k in 0..<plan.chunkCount {
            var offset = chunkOffset(k, plan: plan, rank: rank)
            try encoded[k].withUnsafeBytes { bytes in
                _ = try h5Check(H5Dwrite_chunk(id, aezoo_h5p_default(), 0, &offset, bytes.count, bytes.baseAddress),
                                "write chunk \(k) of \(name)", path: file.path)
            }
        }
    }

    /// Reads the stored chunks and decodes them, in parallel: each task reads its chunk into a
    /// reused buffer (one HDF5 call at a time, as HDF5 requires) and decodes it into place, so
    /// reading overlaps decoding and no chunk is copied into fresh memory. Returns nil when a chunk
    /// is missing or was stored with a filter skipped, so the caller falls back to HDF5's own read.
    private func readChunks<T: H5Element>(plan: ChunkPlan, count: Int) throws -> [T]? {
        let id = try liveID()
        let rank = try shape().count
        let limit = file.allocationLimit()
        var sizes: [Int] = []
        sizes.reserveCapacity(plan.chunkCount)
        for k in 0..<plan.chunkCount {
            var offset = chunkOffset(k, plan: plan, rank: rank)
            var size: hsize_t = 0
            guard H5Dget_chunk_storage_size(id, &offset, &size) >= 0, size > 0 else { return nil }
            guard size <= hsize_t(limit) else {
                throw HDF5Error.sizeTooLarge(path: file.path, object: name, declaredBytes: Int(clamping: size), limitBytes: limit)
            }
            sizes.append(Int(size))
        }
        let sizesRead = sizes
        let offsets = (0..<plan.chunkCount).map { chunkOffset($0, plan: plan, rank: rank) }
        var outcomes = [ChunkOutcome](repeating: .decoded, count: plan.chunkCount)
        let library = Mutex<Void>(())
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            outcomes.withUnsafeMutableBufferPointer { outcome in
                let shared = UncheckedSendable(value: (raw, outcome))
                DispatchQueue.concurrentPerform(iterations: plan.chunkCount) { k in
                    let (raw, outcome) = shared.value
                    let stored = H5Dataset.storedChunks.take(bytes: sizesRead[k])
                    defer { H5Dataset.storedChunks.give(stored) }
                    var offset = offsets[k]
                    var filters: UInt32 = 0
                    let failure: [String]? = library.withLock { _ in
                        H5Library.silenceThisThread()
                        return H5Dread_chunk(id, aezoo_h5p_default(), &offset, &filters, stored.baseAddress) < 0 ? currentErrorMessages() : nil
                    }
                    if let failure { outcome[k] = .unreadable(failure); return }
                    guard filters == 0 else { outcome[k] = .filterSkipped; return }
                    let start = k * plan.chunkBytes, end = Swift.min(start + plan.chunkBytes, raw.count)
                    do throws(H5ChunkPipeline.DecodeError) {
                        if end - start == plan.chunkBytes {
                            try plan.pipeline.decode(UnsafeRawBufferPointer(stored), into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<end]))
                        } else {
                            let whole = UnsafeMutableRawBufferPointer.allocate(byteCount: plan.chunkBytes, alignment: 16)
                            defer { whole.deallocate() }
                            try plan.pipeline.decode(UnsafeRawBufferPointer(stored), into: whole)
                            UnsafeMutableRawBufferPointer(rebasing: raw[start..<end]).copyMemory(from: UnsafeRawBufferPointer(rebasing: whole[0..<(end - start)]))
                        }
                    } catch {
                        outcome[k] = .corrupt(error)
                    }
                }
            }
            // Every byte is written when every chunk decoded; otherwise the array is discarded below.
            initialized = count
        }
        for (k, outcome) in outcomes.enumerated() {
            switch outcome {
            case .decoded: continue
            case let .unreadable(messages): throw HDF5Error.library(path: file.path, operation: "read chunk \(k) of \(name)", messages: messages)
            case .filterSkipped: return nil
            case let .corrupt(error): throw HDF5Error.corruptChunk(path: file.path, object: name, chunk: k, reason: error.description)
            }
        }
        return values
    }

    /// What became of one chunk in `readChunks`.
    private enum ChunkOutcome {
        case decoded
        case unreadable([String])
        case filterSkipped
        case corrupt(H5ChunkPipeline.DecodeError)
    }

    /// Reused buffers for stored chunks on their way to being decoded.
    private static let storedChunks = ScratchPool()

    private func checkNumeric<T: H5Element>(_ type: T.Type) throws {
        let t = H5Handle.datatype(try h5Check(H5Dget_type(try liveID()), "get type of \(name)", path: file.path))
        let cls = H5Tget_class(t.id)
        guard cls == H5T_FLOAT || cls == H5T_INTEGER else {
            throw HDF5Error.typeMismatch(path: file.path, object: name, expected: T.h5DType.rawValue, found: describeType(t.id))
        }
    }

    private func dims(of space: hid_t) throws -> (current: [Int], max: [Int?]) {
        let rank = Int(try h5Check(H5Sget_simple_extent_ndims(space), "get rank of \(name)", path: file.path))
        guard rank > 0 else { return ([], []) }
        var current = [hsize_t](repeating: 0, count: rank)
        var maximum = [hsize_t](repeating: 0, count: rank)
        try h5Check(H5Sget_simple_extent_dims(space, &current, &maximum), "get shape of \(name)", path: file.path)
        // A declared dimension beyond Int.max is dishonest; clamp so the size check rejects it.
        let shape = current.map { Int(clamping: $0) }
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            if overflow {
                throw HDF5Error.sizeTooLarge(path: file.path, object: name, declaredBytes: Int.max, limitBytes: file.allocationLimit())
            }
            elements = product
        }
        return (shape, maximum.map { $0 == aezoo_h5s_unlimited() ? nil : Int(clamping: $0) })
    }
}

extension H5Dataset {
    /// The stored (filtered) bytes of the chunk that starts at `row`, as HDF5 keeps them; for
    /// tests that damage a chunk on purpose, and for diagnostics.
    func storedChunk(atRow row: Int) throws -> [UInt8] {
        let id = try liveID()
        var offset = [hsize_t](repeating: 0, count: try shape().count)
        offset[0] = hsize_t(row)
        var size: hsize_t = 0
        try h5Check(H5Dget_chunk_storage_size(id, &offset, &size), "size chunk at row \(row) of \(name)", path: file.path)
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var filters: UInt32 = 0
        try h5Check(H5Dread_chunk(id, aezoo_h5p_default(), &offset, &filters, &bytes), "read chunk at row \(row) of \(name)", path: file.path)
        return bytes
    }

    /// Replaces the stored bytes of the chunk that starts at `row` (no filter is run).
    func replaceStoredChunk(atRow row: Int, with bytes: [UInt8]) throws {
        let id = try liveID()
        var offset = [hsize_t](repeating: 0, count: try shape().count)
        offset[0] = hsize_t(row)
        try bytes.withUnsafeBytes { raw in
            _ = try h5Check(H5Dwrite_chunk(id, aezoo_h5p_default(), 0, &offset, raw.count, raw.baseAddress),
                            "write chunk at row \(row) of \(name)", path: file.path)
        }
    }
}
