import Foundation

/// Keeps every path the registry names inside the zoo directory.
///
/// A registry is data someone else may have written: a checkpoint path that is absolute, climbs out
/// with `..`, or passes through a symlink that points outside would let a shared registry read or
/// overwrite arbitrary files. Each is refused.
enum ZooPaths {
    /// Resolves `relative` against `root`, refusing anything that ends up outside `root`.
    /// The file itself need not exist yet (a build writes it); every existing ancestor is resolved.
    static func resolve(_ relative: String, in root: URL, entry: String) throws -> URL {
        try checkLexically(relative, entry: entry)
        let rootReal = realPath(root.path) ?? root.standardizedFileURL.path
        let resolved = resolveExisting(root.appendingPathComponent(relative).path)
        guard resolved.hasPrefix(rootReal + "/") else {
            throw ZooError.pathEscapesZoo(entry: entry, path: relative)
        }
        return URL(fileURLWithPath: resolved)
    }

    /// The checks that need no file system: not empty, not absolute or `~`, no `.`, `..` or
    /// empty component. Symlinks are `resolve`'s part.
    static func checkLexically(_ relative: String, entry: String) throws {
        guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.hasPrefix("~") else {
            throw ZooError.pathEscapesZoo(entry: entry, path: relative)
        }
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw ZooError.pathEscapesZoo(entry: entry, path: relative)
        }
    }

    /// realpath(3) of the longest existing prefix, with the missing tail appended.
    private static func resolveExisting(_ path: String) -> String {
        var head = path, tail: [String] = []
        while !head.isEmpty && head != "/" {
            if let real = realPath(head) { return ([real] + tail.reversed()).joined(separator: "/") }
            tail.append((head as NSString).lastPathComponent)
            head = (head as NSString).deletingLastPathComponent
        }
        return path
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
