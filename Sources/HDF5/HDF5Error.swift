import CHDF5
#if canImport(Glibc)
import Glibc
#endif

/// A failure in the HDF5 layer. Every case names the file; `.library` also carries HDF5's own
/// error stack (innermost message last), so a user sees why the C library refused.
public enum HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// An HDF5 call failed. `operation` is what we tried, `messages` the H5E stack, outermost first.
    case library(path: String, operation: String, messages: [String])
    /// The file exists but is not an HDF5 file (bad signature, or truncated before the superblock).
    case notHDF5(path: String)
    /// The file does not exist.
    case fileNotFound(path: String)
    /// No group, dataset or attribute with that name.
    case notFound(path: String, object: String)
    /// The stored element type cannot be read as the requested Swift type.
    case typeMismatch(path: String, object: String, expected: String, found: String)
    /// The number of elements written or the row layout does not match the dataset's shape.
    case shapeMismatch(path: String, object: String, expected: [Int], found: [Int])
    /// A declared size is larger than this file could honestly hold, so it is not allocated.
    case sizeTooLarge(path: String, object: String, declaredBytes: Int, limitBytes: Int)
    /// An argument the caller passed cannot be honoured (e.g. appending to a fixed-size dataset).
    case invalidArgument(path: String, object: String, reason: String)
    /// The file was closed before this object was used.
    case closed(path: String)
    /// A stored chunk of dataset `object` failed its checks (Fletcher-32, the deflate stream or
    /// its Adler-32, its size): the file is damaged. `chunk` counts from 0 along axis 0.
    case corruptChunk(path: String, object: String, chunk: Int, reason: String)

    public var description: String {
        switch self {
        case let .library(path, operation, messages):
            let detail = messages.isEmpty ? "" : ": " + messages.joined(separator: " <- ")
            return "\(path): HDF5 failed to \(operation)\(detail)"
        case let .notHDF5(path):
            return "\(path): not an HDF5 file (no valid HDF5 signature/superblock; truncated or another format)"
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .notFound(path, object):
            return "\(path): no object or attribute named '\(object)'"
        case let .typeMismatch(path, object, expected, found):
            return "\(path): '\(object)' holds \(found), cannot read it as \(expected)"
        case let .shapeMismatch(path, object, expected, found):
            return "\(path): '\(object)' has shape \(expected), got data for shape \(found)"
        case let .sizeTooLarge(path, object, declared, limit):
            return "\(path): '\(object)' declares \(declared) bytes, more than this file can hold (limit \(limit) bytes); refusing to allocate"
        case let .invalidArgument(path, object, reason):
            return "\(path): '\(object)': \(reason)"
        case let .closed(path):
            return "\(path): the file is already closed"
        case let .corruptChunk(path, object, chunk, reason):
            return "\(path): '\(object)', chunk \(chunk): \(reason)"
        }
    }
}

/// One-time library set-up: open the library (so the `H5T_NATIVE_*` globals are valid) and turn
/// off HDF5's habit of printing its error stack to stderr; we report it through `HDF5Error`.
///
/// Debian's HDF5 is a thread-safe build, which keeps that setting per thread: every thread that
/// calls HDF5 (chunk readers, the prefetching reader's thread) is silenced once, through
/// `silenceThisThread`, before its first call.
enum H5Library {
    static let ready: Bool = {
        _ = H5open()
        silenceThisThread()
        return true
    }()

    /// Call before a thread's first HDF5 call (opening or creating a file does).
    @inline(__always) static func ensure() {
        _ = ready
        silenceThisThread()
    }

    /// Marks threads already silenced (the value is irrelevant, only whether it is set).
    private static let silenced: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Turns off HDF5's printing of its error stack on the calling thread (once per thread).
    static func silenceThisThread() {
        guard pthread_getspecific(silenced) == nil else { return }
        _ = H5Eset_auto2(aezoo_h5e_default(), nil, nil)
        pthread_setspecific(silenced, UnsafeRawPointer(bitPattern: 1))
    }
}

/// Collects the messages of the current thread's HDF5 error stack and clears it.
func currentErrorMessages() -> [String] {
    let stack = H5Eget_current_stack()
    guard stack >= 0 else { return [] }
    defer { _ = H5Eclose_stack(stack) }
    final class Box { var lines: [String] = [] }
    let box = Box()
    let walker: H5E_walk2_t = { _, errorPointer, context in
        guard let e = errorPointer?.pointee, let context else { return 0 }
        let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
        let function = e.func_name.map { String(cString: $0) } ?? "?"
        let text = e.desc.map { String(cString: $0) } ?? ""
        box.lines.append(text.isEmpty ? function : "\(function): \(text)")
        return 0
    }
    _ = withExtendedLifetime(box) {
        H5Ewalk2(stack, H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(box).toOpaque())
    }
    return box.lines
}

/// Throws `.library` with the H5E stack when an HDF5 call returned a negative status or id.
@discardableResult
func h5Check<T: BinaryInteger>(_ result: T, _ operation: @autoclosure () -> String, path: String) throws -> T {
    if result < 0 {
        throw HDF5Error.library(path: path, operation: operation(), messages: currentErrorMessages())
    }
    return result
}
