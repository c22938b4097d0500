import CHDF5

/// A group: a directory of datasets, groups and attributes. `H5File` is the root group.
///
/// ```swift
/// let g = try file.createGroup("variables")
/// let d = try g.createDataset("w", dtype: .float32, shape: [2, 3])
/// print(try g.memberNames())   // ["w"]
/// ```
public class H5Group: H5Object {
    /// Creates a group; missing intermediate groups in a path like `a/b/c` are created too.
    public func createGroup(_ path: String) throws -> H5Group {
        let id = try liveID()
        let what = "create group '\(path)' in \(name)"
        let lcpl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_link_create()), what, path: file.path))
        try h5Check(H5Pset_create_intermediate_group(lcpl.id, 1), what, path: file.path)
        // No modification times in object headers: the same content gives the same bytes.
        let gcpl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_group_create()), what, path: file.path))
        try h5Check(H5Pset_obj_track_times(gcpl.id, false), what, path: file.path)
        let gid = try h5Check(H5Gcreate2(id, path, lcpl.id, gcpl.id, aezoo_h5p_default()), what, path: file.path)
        return H5Group(handle: H5Handle(gid, closer: H5Gclose), file: file, name: objectName(path))
    }

    /// Opens an existing group.
    public func openGroup(_ path: String) throws -> H5Group {
        guard try kind(of: path) == .group else { throw HDF5Error.notFound(path: file.path, object: objectName(path)) }
        let gid = try h5Check(H5Gopen2(try liveID(), path, aezoo_h5p_default()), "open group '\(path)'", path: file.path)
        return H5Group(handle: H5Handle(gid, closer: H5Gclose), file: file, name: objectName(path))
    }

    /// Opens an existing group, or creates it.
    public func group(_ path: String) throws -> H5Group {
        try exists(path) ? openGroup(path) : createGroup(path)
    }

    /// Names of the direct members (groups and datasets), in name order.
    public func memberNames() throws -> [String] {
        try H5NameList.collect(from: self, "list members of \(name)") { id, index, context in
            H5Literate(id, H5_INDEX_NAME, H5_ITER_INC, index, { _, name, _, context in H5NameList.append(name, to: context) }, context)
        }
    }

    /// Whether a link exists at `path` (every component is checked, so a missing parent is
    /// `false`, not an error).
    public func exists(_ path: String) throws -> Bool {
        let id = try liveID()
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + component
            let found = try h5Check(H5Lexists(id, prefix, aezoo_h5p_default()), "look up '\(prefix)'", path: file.path)
            if found <= 0 { return false }
        }
        return true
    }

    /// The kind of object at `path`, or nil if nothing is there.
    public func kind(of path: String) throws -> H5ObjectKind? {
        guard try exists(path) else { return nil }
        let oid = try h5Check(H5Oopen(try liveID(), path, aezoo_h5p_default()), "open '\(path)'", path: file.path)
        defer { _ = H5Oclose(oid) }
        switch H5Iget_type(oid) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Removes the link at `path` (the space is reclaimed only when the file is rewritten).
    public func remove(_ path: String) throws {
        try h5Check(H5Ldelete(try liveID(), path, aezoo_h5p_default()), "delete '\(path)'", path: file.path)
    }

    /// Creates a dataset of `dtype` and `shape` with the given storage options.
    public func createDataset(_ path: String, dtype: H5DType, shape: [Int], options: H5DatasetOptions = .init()) throws -> H5Dataset {
        let id = try liveID()
        let what = "create dataset '\(path)' in \(name)"
        let label = objectName(path)
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error.invalidArgument(path: file.path, object: label, reason: "negative dimension in shape \(shape)")
        }
        var dims = shape.map { hsize_t($0) }
        var maxDims = dims
        if options.resizable {
            guard !shape.isEmpty else {
                throw HDF5Error.invalidArgument(path: file.path, object: label, reason: "a scalar dataset cannot be resizable")
            }
            maxDims[0] = aezoo_h5s_unlimited()
        }
        let space = H5Handle.dataspace(try h5Check(
            shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), &dims, &maxDims), what, path: file.path))
        let dcpl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_dataset_create()), what, path: file.path))
        // No modification times in object headers: the same content gives the same bytes.
        try h5Check(H5Pset_obj_track_times(dcpl.id, false), what, path: file.path)
        let needsChunks = options.resizable || options.deflateLevel != nil || options.fletcher32 || options.shuffle || options.chunks != nil
        if needsChunks && !shape.isEmpty {
            var chunk = options.chunks ?? H5DatasetOptions.defaultChunks(shape: shape, elementSize: dtype.byteSize)
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) else {
                throw HDF5Error.invalidArgument(path: file.path, object: label, reason: "chunk shape \(chunk) does not fit shape \(shape)")
            }
            if !options.resizable { chunk = zip(chunk, shape).map { Swift.max(1, Swift.min($0, $1)) } }
            var chunkDims = chunk.map { hsize_t($0) }
            try h5Check(H5Pset_chunk(dcpl.id, Int32(chunk.count), &chunkDims), what, path: file.path)
            // Filter order matters: checksum the compressed bytes as stored (h5py does the same).
            if options.shuffle { try h5Check(H5Pset_shuffle(dcpl.id), what, path: file.path) }
            if let level = options.deflateLevel {
                guard (0...9).contains(level) else {
                    throw HDF5Error.invalidArgument(path: file.path, object: label, reason: "deflate level \(level) is not in 0...9")
                }
                try h5Check(H5Pset_deflate(dcpl.id, UInt32(level)), what, path: file.path)
            }
            if options.fletcher32 { try h5Check(H5Pset_fletcher32(dcpl.id), what, path: file.path) }
        } else if needsChunks {
            throw HDF5Error.invalidArgument(path: file.path, object: label, reason: "a scalar dataset cannot be chunked or filtered")
        }
        let lcpl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_link_create()), what, path: file.path))
        try h5Check(H5Pset_create_intermediate_group(lcpl.id, 1), what, path: file.path)
        let did = try h5Check(H5Dcreate2(id, path, dtype.fileType, space.id, lcpl.id, dcpl.id, aezoo_h5p_default()), what, path: file.path)
        return H5Dataset(handle: H5Handle(did, closer: H5Dclose), file: file, name: label)
    }

    /// Creates a dataset holding `values` with `shape` (a convenience for create + write).
    @discardableResult
    public func createDataset<T: H5Element>(_ path: String, values: [T], shape: [Int], options: H5DatasetOptions = .init()) throws -> H5Dataset {
        let expected = shape.reduce(1, *)
        guard values.count == expected else {
            throw HDF5Error.shapeMismatch(path: file.path, object: objectName(path), expected: shape, found: [values.count])
        }
        let dataset = try createDataset(path, dtype: T.h5DType, shape: shape, options: options)
        try dataset.write(values)
        return dataset
    }

    /// Opens an existing dataset.
    public func openDataset(_ path: String) throws -> H5Dataset {
        guard try kind(of: path) == .dataset else { throw HDF5Error.notFound(path: file.path, object: objectName(path)) }
        let did = try h5Check(H5Dopen2(try liveID(), path, aezoo_h5p_default()), "open dataset '\(path)'", path: file.path)
        return H5Dataset(handle: H5Handle(did, closer: H5Dclose), file: file, name: objectName(path))
    }
}

/// Storage options for a new dataset. Any filter or `resizable` implies chunked storage.
public struct H5DatasetOptions: Sendable, Equatable {
    /// Chunk shape; nil picks about 64 KiB chunks along axis 0.
    public var chunks: [Int]?
    /// zlib deflate level 0-9, or nil for no compression.
    public var deflateLevel: Int?
    /// Adds the Fletcher-32 checksum filter: corrupt chunks fail to read instead of returning garbage.
    public var fletcher32: Bool
    /// Adds the byte-shuffle filter before deflate (helps floats compress).
    public var shuffle: Bool
    /// Makes axis 0 unlimited so `append` can grow the dataset.
    public var resizable: Bool

    public init(chunks: [Int]? = nil, deflateLevel: Int? = nil, fletcher32: Bool = false, shuffle: Bool = false, resizable: Bool = false) {
        self.chunks = chunks
        self.deflateLevel = deflateLevel
        self.fletcher32 = fletcher32
        self.shuffle = shuffle
        self.resizable = resizable
    }

    /// Whole rows, about 64 KiB per chunk (at least one row).
    static func defaultChunks(shape: [Int], elementSize: Int) -> [Int] {
        let rowBytes = Swift.max(1, shape.dropFirst().reduce(1, *) * elementSize)
        let rows = Swift.max(1, (64 << 10) / rowBytes)
        var chunk = shape.map { Swift.max($0, 1) }
        chunk[0] = Swift.max(1, Swift.min(rows, Swift.max(shape[0], 1)))
        if shape[0] == 0 { chunk[0] = rows }
        // A single row bigger than 4 GiB cannot be one chunk; HDF5's chunk limit is 4 GiB.
        return chunk
    }
}
