import CHDF5

/// Gathers the names an HDF5 iteration (`H5Literate`, `H5Aiterate2`) reports through its C
/// callback, which cannot capture Swift state: the list travels as the callback's context pointer.
final class H5NameList {
    private(set) var names: [String] = []

    /// The whole body of an iteration callback: appends `name` to the list behind `context`.
    static func append(_ name: UnsafePointer<CChar>?, to context: UnsafeMutableRawPointer?) -> herr_t {
        guard let name, let context else { return 0 }
        Unmanaged<H5NameList>.fromOpaque(context).takeUnretainedValue().names.append(String(cString: name))
        return 0
    }

    /// Runs `iterate` over `object` (its id, an iteration index starting at 0, and the context
    /// pointer of a fresh list) and returns the names it reported; `operation` names a failure.
    static func collect(from object: H5Object, _ operation: @autoclosure () -> String,
                        _ iterate: (hid_t, UnsafeMutablePointer<hsize_t>, UnsafeMutableRawPointer) -> herr_t) throws -> [String] {
        let id = try object.liveID()
        let list = H5NameList()
        var index: hsize_t = 0
        let status = withExtendedLifetime(list) { iterate(id, &index, Unmanaged.passUnretained(list).toOpaque()) }
        try h5Check(status, operation(), path: object.file.path)
        return list.names
    }
}
