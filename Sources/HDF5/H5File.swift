import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open HDF5 file; it is also its root group (`/`), as in h5py.
///
/// Every object opened from the file holds its own HDF5 id, closed when the object is released.
/// `close()` closes the file *and* every object still open from it (strong close degree), so after
/// `close()` returns the bytes are on disk and the file can be renamed or fsynced.
///
/// ```swift
/// let f = try H5File.create("/tmp/demo.h5")
/// try f.createDataset("x", values: [Float](repeating: 1, count: 6), shape: [2, 3])
/// try f.setAttribute("note", .string("hello"))
/// try f.close()
/// let r = try H5File.open("/tmp/demo.h5")
/// let x: [Float] = try r.openDataset("x").read()
/// ```
public final class H5File: H5Group {
    public enum Mode: Sendable { case readOnly, readWrite }

    /// Creates a file, replacing any existing one.
    public static func create(_ path: String) throws -> H5File {
        H5Library.ensure()
        let fapl = try fileAccessList(path)
        // The root group, like every object, records no modification time (reproducible bytes).
        let fcpl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_file_create()), "create file creation list", path: path))
        try h5Check(H5Pset_obj_track_times(fcpl.id, false), "create file", path: path)
        let id = try h5Check(H5Fcreate(path, aezoo_h5f_acc_trunc(), fcpl.id, fapl.id), "create file", path: path)
        return H5File(id: id, path: path)
    }

    /// Opens an existing file. Throws `.fileNotFound` or `.notHDF5` before involving HDF5's
    /// own (noisier) errors.
    public static func open(_ path: String, mode: Mode = .readOnly) throws -> H5File {
        H5Library.ensure()
        var info = stat()
        guard stat(path, &info) == 0 else { throw HDF5Error.fileNotFound(path: path) }
        guard H5Fis_hdf5(path) > 0 else { throw HDF5Error.notHDF5(path: path) }
        let fapl = try fileAccessList(path)
        let flags = mode == .readOnly ? aezoo_h5f_acc_rdonly() : aezoo_h5f_acc_rdwr()
        let id = try h5Check(H5Fopen(path, flags, fapl.id), "open file", path: path)
        return H5File(id: id, path: path)
    }

    private static func fileAccessList(_ path: String) throws -> H5Handle {
        let fapl = H5Handle.propertyList(try h5Check(H5Pcreate(aezoo_h5p_file_access()), "create file access list", path: path))
        try h5Check(H5Pset_fclose_degree(fapl.id, H5F_CLOSE_STRONG), "set close degree", path: path)
        return fapl
    }

    private init(id: hid_t, path: String) {
        let handle = H5Handle(id, closer: H5Fclose)
        super.init(handle: handle, file: H5FileContext(path: path, handle: handle), name: "/")
    }

    /// Whether the file is still open.
    public var isOpen: Bool { handle.isValid }

    /// Size of the file in bytes as HDF5 sees it.
    public func size() throws -> Int {
        var size: hsize_t = 0
        try h5Check(H5Fget_filesize(try liveID(), &size), "get file size", path: file.path)
        return Int(size)
    }

    /// Flushes HDF5's buffers to the operating system (not to the disk: see `fsync`).
    public func flush() throws {
        try h5Check(H5Fflush(try liveID(), H5F_SCOPE_GLOBAL), "flush", path: file.path)
    }

    /// Closes the file and everything opened from it. Closing twice is harmless.
    public func close() throws {
        guard handle.id >= 0 else { return }
        try h5Check(handle.close(), "close file", path: file.path)
    }
}
