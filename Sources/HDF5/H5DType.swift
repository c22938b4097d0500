import CHDF5

/// The numeric element types aezoo stores. Files are always written little-endian (the
/// `H5T_IEEE_*LE` / `H5T_STD_*LE` types); memory uses the native types.
public enum H5DType: String, Sendable, CaseIterable, Codable {
    case float32, float64, int32, int64, uint8

    public var byteSize: Int {
        switch self {
        case .float32, .int32: 4
        case .float64, .int64: 8
        case .uint8: 1
        }
    }

    var fileType: hid_t {
        switch self {
        case .float32: aezoo_h5t_ieee_f32le()
        case .float64: aezoo_h5t_ieee_f64le()
        case .int32: aezoo_h5t_std_i32le()
        case .int64: aezoo_h5t_std_i64le()
        case .uint8: aezoo_h5t_std_u8le()
        }
    }

    var nativeType: hid_t {
        switch self {
        case .float32: aezoo_h5t_native_float()
        case .float64: aezoo_h5t_native_double()
        case .int32: aezoo_h5t_native_int32()
        case .int64: aezoo_h5t_native_int64()
        case .uint8: aezoo_h5t_native_uint8()
        }
    }

    var isFloating: Bool { self == .float32 || self == .float64 }

    /// The dtype a stored HDF5 type corresponds to, or nil for strings, compounds, other sizes.
    init?(fileTypeID type: hid_t) {
        let size = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT:
            switch size { case 4: self = .float32; case 8: self = .float64; default: return nil }
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            switch (size, signed) {
            case (4, true): self = .int32
            case (8, true): self = .int64
            case (1, false): self = .uint8
            default: return nil
            }
        default: return nil
        }
    }
}

/// A Swift element type that maps to an `H5DType`: `Float`, `Double`, `Int32`, `Int64`, `UInt8`.
public protocol H5Element: Sendable {
    static var h5DType: H5DType { get }
    init()
}

extension Float: H5Element { public static var h5DType: H5DType { .float32 } }
extension Double: H5Element { public static var h5DType: H5DType { .float64 } }
extension Int32: H5Element { public static var h5DType: H5DType { .int32 } }
extension Int64: H5Element { public static var h5DType: H5DType { .int64 } }
extension UInt8: H5Element { public static var h5DType: H5DType { .uint8 } }

/// Describes a stored type for error messages ("float32", "string", "integer (2 bytes)").
func describeType(_ type: hid_t) -> String {
    if let d = H5DType(fileTypeID: type) { return d.rawValue }
    let size = H5Tget_size(type)
    switch H5Tget_class(type) {
    case H5T_STRING: return "string"
    case H5T_INTEGER: return "integer (\(size) bytes)"
    case H5T_FLOAT: return "float (\(size) bytes)"
    case H5T_COMPOUND: return "compound"
    default: return "HDF5 type class \(H5Tget_class(type).rawValue)"
    }
}
