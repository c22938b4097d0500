import CHDF5

/// Owns exactly one `hid_t` and closes it once: explicitly through `close()` or in `deinit`.
/// The file is opened with the strong close degree, so closing the file invalidates its children;
/// `deinit` therefore checks `H5Iis_valid` before closing.
final class H5Handle {
    private(set) var id: hid_t
    private let closer: (hid_t) -> herr_t

    init(_ id: hid_t, closer: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.closer = closer
    }

    var isValid: Bool { id >= 0 && H5Iis_valid(id) > 0 }

    /// Closes the id; returns the C status (negative on failure).
    @discardableResult
    func close() -> herr_t {
        guard id >= 0 else { return 0 }
        let status: herr_t = H5Iis_valid(id) > 0 ? closer(id) : 0
        id = -1
        return status
    }

    deinit { close() }

    static func dataspace(_ id: hid_t) -> H5Handle { H5Handle(id, closer: H5Sclose) }
    static func datatype(_ id: hid_t) -> H5Handle { H5Handle(id, closer: H5Tclose) }
    static func propertyList(_ id: hid_t) -> H5Handle { H5Handle(id, closer: H5Pclose) }
    static func attribute(_ id: hid_t) -> H5Handle { H5Handle(id, closer: H5Aclose) }
}
