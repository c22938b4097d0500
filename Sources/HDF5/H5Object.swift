import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one open file shares with every object opened from it: its path (for error messages)
/// and its id (for the file size used to bound allocations).
final class H5FileContext {
    let path: String
    let handle: H5Handle

    init(path: String, handle: H5Handle) {
        self.path = path
        self.handle = handle
    }

    /// The largest number of bytes a read from this file may allocate. Deflate cannot expand data
    /// by more than ~1032x, so a declared size beyond 1100x the file (plus slack for fill values)
    /// is dishonest; a hard ceiling caps everything else.
    func allocationLimit() -> Int {
        var size: hsize_t = 0
        _ = H5Fget_filesize(handle.id, &size)
        let bound = Int(clamping: size).multipliedReportingOverflow(by: 1100)
        let limit = bound.overflow ? Int.max : bound.partialValue
        return Swift.min(limit &+ H5Limits.slackBytes, H5Limits.maxAllocationBytes)
    }
}

/// Size bounds applied before any read allocates memory.
public enum H5Limits {
    /// No single read allocates more than this (16 GiB).
    public static let maxAllocationBytes = 16 << 30
    /// Allowance beyond the file-size bound, for small files with unwritten (fill-value) chunks.
    public static let slackBytes = 64 << 20
}

/// Kind of a member of a group.
public enum H5ObjectKind: Sendable, Equatable {
    case group, dataset, other
}

/// Something that can carry attributes: a file, a group or a dataset.
///
/// ```swift
/// try group.setAttribute("tf_name", .string("dense/kernel"))
/// let name = try group.attribute("tf_name").stringValue
/// ```
public class H5Object {
    let handle: H5Handle
    let file: H5FileContext
    /// The object's path inside the file, e.g. `/variables/dense%2Fkernel`.
    public let name: String

    init(handle: H5Handle, file: H5FileContext, name: String) {
        self.handle = handle
        self.file = file
        self.name = name
    }

    /// The path of the file this object lives in.
    public var filePath: String { file.path }

    func liveID() throws -> hid_t {
        guard file.handle.isValid, handle.isValid else { throw HDF5Error.closed(path: file.path) }
        H5Library.silenceThisThread()
        return handle.id
    }

    func objectName(_ child: String) -> String {
        name == "/" ? "/" + child : name + "/" + child
    }

    func checkAllocation(bytes: Int, object: String) throws {
        let limit = file.allocationLimit()
        if bytes < 0 || bytes > limit {
            throw HDF5Error.sizeTooLarge(path: file.path, object: object, declaredBytes: bytes, limitBytes: limit)
        }
    }

    // MARK: Attributes

    /// Names of this object's attributes, in creation/name order.
    public func attributeNames() throws -> [String] {
        try H5NameList.collect(from: self, "list attributes of \(name)") { id, index, context in
            H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, index, { _, name, _, context in H5NameList.append(name, to: context) }, context)
        }
    }

    /// Whether an attribute with this name exists.
    public func hasAttribute(_ attributeName: String) throws -> Bool {
        try h5Check(H5Aexists(try liveID(), attributeName), "look up attribute \(attributeName)", path: file.path) > 0
    }

    /// Writes (or replaces) an attribute. Strings are variable-length UTF-8 unless
    /// `strings: .fixedLength` asks for NUL-padded fixed-length strings (as Keras/numpy write).
    public func setAttribute(_ attributeName: String, _ value: H5AttributeValue, strings: H5StringStorage = .variableLength) throws {
        let id = try liveID()
        let what = "write attribute '\(attributeName)' on \(name)"
        if try hasAttribute(attributeName) {
            try h5Check(H5Adelete(id, attributeName), what, path: file.path)
        }
        switch value {
        case let .string(s): try writeStrings([s], scalar: true, storage: strings, attributeName, what)
        case let .strings(a): try writeStrings(a, scalar: false, storage: strings, attributeName, what)
        case let .int64(v): try writeNumbers([v], scalar: true, attributeName, what)
        case let .int64s(a): try writeNumbers(a, scalar: false, attributeName, what)
        case let .double(v): try writeNumbers([v], scalar: true, attributeName, what)
        case let .doubles(a): try writeNumbers(a, scalar: false, attributeName, what)
        }
    }

    /// Reads an attribute. Integer attributes of any width come back as Int64, floating ones as
    /// Double, fixed- and variable-length strings as String; rank-0 values as the scalar cases.
    public func attribute(_ attributeName: String) throws -> H5AttributeValue {
        let id = try liveID()
        guard try hasAttribute(attributeName) else {
            throw HDF5Error.notFound(path: file.path, object: objectName("@" + attributeName))
        }
        let what = "read attribute '\(attributeName)' of \(name)"
        let attr = H5Handle.attribute(try h5Check(H5Aopen(id, attributeName, aezoo_h5p_default()), what, path: file.path))
        let type = H5Handle.datatype(try h5Check(H5Aget_type(attr.id), what, path: file.path))
        let space = H5Handle.dataspace(try h5Check(H5Aget_space(attr.id), what, path: file.path))
        let count = Int(try h5Check(H5Sget_simple_extent_npoints(space.id), what, path: file.path))
        let scalar = H5Sget_simple_extent_type(space.id) == H5S_SCALAR
        let label = objectName("@" + attributeName)
        switch H5Tget_class(type.id) {
        case H5T_STRING:
            let values = try readStrings(attr: attr.id, type: type.id, space: space.id, count: count, label: label, what: what)
            return scalar ? .string(values.first ?? "") : .strings(values)
        case H5T_INTEGER:
            try checkAllocation(bytes: count * 8, object: label)
            var values = [Int64](repeating: 0, count: count)
            try h5Check(H5Aread(attr.id, aezoo_h5t_native_int64(), &values), what, path: file.path)
            return scalar ? .int64(values.first ?? 0) : .int64s(values)
        case H5T_FLOAT:
            try checkAllocation(bytes: count * 8, object: label)
            var values = [Double](repeating: 0, count: count)
            try h5Check(H5Aread(attr.id, aezoo_h5t_native_double(), &values), what, path: file.path)
            return scalar ? .double(values.first ?? 0) : .doubles(values)
        default:
            throw HDF5Error.typeMismatch(path: file.path, object: label, expected: "string, integer or float", found: describeType(type.id))
        }
    }

    /// Deletes an attribute if present.
    public func removeAttribute(_ attributeName: String) throws {
        if try hasAttribute(attributeName) {
            try h5Check(H5Adelete(try liveID(), attributeName), "delete attribute \(attributeName)", path: file.path)
        }
    }

    private func makeSpace(count: Int, scalar: Bool, _ what: String) throws -> H5Handle {
        if scalar { return H5Handle.dataspace(try h5Check(H5Screate(H5S_SCALAR), what, path: file.path)) }
        var dims = [hsize_t(count)]
        return H5Handle.dataspace(try h5Check(H5Screate_simple(1, &dims, nil), what, path: file.path))
    }

    private func writeNumbers<T: H5Element>(_ values: [T], scalar: Bool, _ attributeName: String, _ what: String) throws {
        let space = try makeSpace(count: values.count, scalar: scalar, what)
        let attr = H5Handle.attribute(try h5Check(
            H5Acreate2(handle.id, attributeName, T.h5DType.fileType, space.id, aezoo_h5p_default(), aezoo_h5p_default()), what, path: file.path))
        try values.withUnsafeBufferPointer { p in
            _ = try h5Check(H5Awrite(attr.id, T.h5DType.nativeType, p.baseAddress), what, path: file.path)
        }
        try h5Check(attr.close(), what, path: file.path)
    }

    private func writeStrings(_ values: [String], scalar: Bool, storage: H5StringStorage, _ attributeName: String, _ what: String) throws {
        let space = try makeSpace(count: values.count, scalar: scalar, what)
        let type = H5Handle.datatype(try h5Check(H5Tcopy(aezoo_h5t_c_s1()), what, path: file.path))
        let ascii = values.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        try h5Check(H5Tset_cset(type.id, ascii && storage == .fixedLength ? H5T_CSET_ASCII : H5T_CSET_UTF8), what, path: file.path)
        switch storage {
        case .variableLength:
            try h5Check(H5Tset_size(type.id, aezoo_h5t_variable()), what, path: file.path)
            let attr = H5Handle.attribute(try h5Check(
                H5Acreate2(handle.id, attributeName, type.id, space.id, aezoo_h5p_default(), aezoo_h5p_default()), what, path: file.path))
            let cStrings = values.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            var pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
            try h5Check(H5Awrite(attr.id, type.id, &pointers), what, path: file.path)
            try h5Check(attr.close(), what, path: file.path)
        case .fixedLength:
            let width = Swift.max(1, values.map { $0.utf8.count }.max() ?? 1)
            try h5Check(H5Tset_size(type.id, width), what, path: file.path)
            try h5Check(H5Tset_strpad(type.id, H5T_STR_NULLPAD), what, path: file.path)
            var bytes = [UInt8](repeating: 0, count: width * values.count)
            for (i, s) in values.enumerated() {
                for (j, b) in s.utf8.enumerated() { bytes[i * width + j] = b }
            }
            let attr = H5Handle.attribute(try h5Check(
                H5Acreate2(handle.id, attributeName, type.id, space.id, aezoo_h5p_default(), aezoo_h5p_default()), what, path: file.path))
            try h5Check(H5Awrite(attr.id, type.id, &bytes), what, path: file.path)
            try h5Check(attr.close(), what, path: file.path)
        }
    }

    private func readStrings(attr: hid_t, type: hid_t, space: hid_t, count: Int, label: String, what: String) throws -> [String] {
        let memType = H5Handle.datatype(try h5Check(H5Tcopy(aezoo_h5t_c_s1()), what, path: file.path))
        if H5Tis_variable_str(type) > 0 {
            try checkAllocation(bytes: count * MemoryLayout<UnsafeMutablePointer<CChar>>.size, object: label)
            try h5Check(H5Tset_size(memType.id, aezoo_h5t_variable()), what, path: file.path)
            try h5Check(H5Tset_cset(memType.id, H5Tget_cset(type)), what, path: file.path)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try h5Check(H5Aread(attr, memType.id, &pointers), what, path: file.path)
            let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
            _ = H5Dvlen_reclaim(memType.id, space, aezoo_h5p_default(), &pointers)
            return strings
        }
        let width = H5Tget_size(type)
        try checkAllocation(bytes: count * width, object: label)
        try h5Check(H5Tset_size(memType.id, width), what, path: file.path)
        try h5Check(H5Tset_strpad(memType.id, H5T_STR_NULLPAD), what, path: file.path)
        var bytes = [UInt8](repeating: 0, count: count * width)
        try h5Check(H5Aread(attr, memType.id, &bytes), what, path: file.path)
        let spacePadded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
        return (0..<count).map { i in
            var slice = bytes[(i * width)..<((i + 1) * width)]
            if let nul = slice.firstIndex(of: 0) { slice = slice[..<nul] }
            if spacePadded { while slice.last == 0x20 { slice = slice.dropLast() } }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}

/// How `setAttribute` stores strings.
public enum H5StringStorage: Sendable {
    /// Variable-length UTF-8 (h5py's default for `str`).
    case variableLength
    /// NUL-padded fixed width (numpy `S` arrays; what Keras writes for `layer_names`).
    case fixedLength
}

/// An attribute value.
public enum H5AttributeValue: Equatable, Sendable {
    case string(String)
    case strings([String])
    case int64(Int64)
    case int64s([Int64])
    case double(Double)
    case doubles([Double])

    /// The value as one string (a 1-element string array also counts), else nil.
    public var stringValue: String? {
        switch self {
        case let .string(s): s
        case let .strings(a) where a.count == 1: a[0]
        default: nil
        }
    }

    /// The value as a list of strings (a scalar string gives a 1-element list), else nil.
    public var stringsValue: [String]? {
        switch self {
        case let .string(s): [s]
        case let .strings(a): a
        default: nil
        }
    }

    /// The value as one integer (a 1-element array also counts), else nil.
    public var int64Value: Int64? {
        switch self {
        case let .int64(v): v
        case let .int64s(a) where a.count == 1: a[0]
        default: nil
        }
    }

    /// The value as one Double (integers convert), else nil.
    public var doubleValue: Double? {
        switch self {
        case let .double(v): v
        case let .doubles(a) where a.count == 1: a[0]
        case let .int64(v): Double(v)
        default: nil
        }
    }

    /// The value as a list of Doubles (integers convert), else nil.
    public var doublesValue: [Double]? {
        switch self {
        case let .double(v): [v]
        case let .doubles(a): a
        case let .int64(v): [Double(v)]
        case let .int64s(a): a.map(Double.init)
        default: nil
        }
    }

    /// The value as a list of integers, else nil.
    public var int64sValue: [Int64]? {
        switch self {
        case let .int64(v): [v]
        case let .int64s(a): a
        default: nil
        }
    }
}
