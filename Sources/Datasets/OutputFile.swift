import Foundation

/// A file opened for writing with C stdio (buffered), errors naming the file.
final class OutputFile {
    let path: String
    private var handle: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        guard let h = fopen(path, "wb") else {
            throw DatasetError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        handle = h
        setvbuf(h, nil, _IOFBF, 1 << 18)
    }

    deinit { if let handle { fclose(handle) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let handle, bytes.count > 0 else { return }
        if fwrite(bytes.baseAddress, 1, bytes.count, handle) != bytes.count {
            throw DatasetError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    func seek(to offset: Int) throws {
        guard let handle, fseeko(handle, off_t(offset), SEEK_SET) == 0 else {
            throw DatasetError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }

    func close() throws {
        guard let h = handle else { return }
        handle = nil
        if fflush(h) != 0 || fsync(fileno(h)) != 0 {
            let reason = String(cString: strerror(errno)); fclose(h)
            throw DatasetError.cannotWrite(path: path, reason: reason)
        }
        if fclose(h) != 0 { throw DatasetError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }
}
